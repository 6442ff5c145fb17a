package dev.nssimg.report;

import dev.nssimg.smoke.Check;
import java.io.StringWriter;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Smoke checks as a JUnit XML report, written by the JDK's XML writer. Characters XML 1.0 cannot hold
 * (control characters such as an ANSI escape, lone surrogates) become U+FFFD, so the file always parses.
 */
public final class JUnitXml {
    private JUnitXml() {}

    public static String smoke(String image, List<Check> checks) {
        long failures = checks.stream().filter(c -> !c.ok()).count();
        StringWriter sw = new StringWriter();
        try {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(sw);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            x.writeStartElement("testsuite");
            x.writeAttribute("name", xml("nssimg smoke " + image));
            x.writeAttribute("tests", String.valueOf(checks.size()));
            x.writeAttribute("failures", String.valueOf(failures));
            x.writeAttribute("errors", "0");
            x.writeAttribute("skipped", String.valueOf(checks.stream().filter(c -> !c.ran()).count()));
            x.writeCharacters("\n");
            for (Check c : checks) {
                x.writeCharacters("  ");
                if (c.ok() && c.ran()) {
                    x.writeEmptyElement("testcase");
                    testcase(x, c);
                } else if (!c.ran()) {
                    x.writeStartElement("testcase");
                    testcase(x, c);
                    x.writeCharacters("\n    ");
                    x.writeEmptyElement("skipped");
                    x.writeAttribute("message", xml(c.detail()));
                    x.writeCharacters("\n  ");
                    x.writeEndElement();
                } else {
                    x.writeStartElement("testcase");
                    testcase(x, c);
                    x.writeCharacters("\n    ");
                    x.writeEmptyElement("failure");
                    x.writeAttribute("message", xml(c.detail()));
                    x.writeCharacters("\n  ");
                    x.writeEndElement();
                }
                x.writeCharacters("\n");
            }
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write the JUnit report", e);
        }
        return sw.toString();
    }

    private static void testcase(XMLStreamWriter x, Check c) throws XMLStreamException {
        x.writeAttribute("classname", xml("smoke." + c.platform()));
        x.writeAttribute("name", xml(c.name()));
    }

    /** s with every character XML 1.0 forbids replaced by U+FFFD. */
    static String xml(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            boolean allowed = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF)
                    || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
            if (allowed) {
                sb.appendCodePoint(cp);
            } else {
                sb.append('\uFFFD');
            }
            i += Character.charCount(cp);
        }
        return sb.toString();
    }
}
