package dev.nssimg.smoke;

/**
 * A USER as the image's own /etc/passwd and /etc/group resolve it, the way the runtime does: "name" or "uid" (the
 * group: the passwd entry's primary one, else 0), "name:group" or "uid:gid" in any mix; "" is root. Pure.
 */
public final class Users {
    /** A resolved uid and gid. */
    public record Ids(long uid, long gid) {
        @Override
        public String toString() {
            return uid + ":" + gid;
        }
    }

    private Users() {}

    /**
     * The ids user names in an image whose passwd and group files are these (null: the image has none); null when a
     * name is in neither (the runtime refuses to start such a container).
     */
    public static Ids resolve(String user, String passwd, String group) {
        String u = user == null ? "" : user.trim();
        if (u.isEmpty()) {
            return new Ids(0, 0);
        }
        String name = u.contains(":") ? u.substring(0, u.indexOf(':')) : u;
        String grp = u.contains(":") ? u.substring(u.indexOf(':') + 1) : null;
        Long uid = null;
        Long primary = null;
        for (String line : lines(passwd)) {
            String[] f = line.split(":", -1);
            if (f.length >= 4 && (f[0].equals(name) || f[2].equals(name))) {
                uid = parse(f[2]);
                primary = parse(f[3]);
                break;
            }
        }
        if (uid == null) {
            if (!name.matches("\\d+")) {
                return null;
            }
            uid = Long.parseLong(name);
        }
        long gid;
        if (grp == null) {
            gid = primary == null ? 0 : primary;
        } else if (grp.matches("\\d+")) {
            gid = Long.parseLong(grp);
        } else {
            Long found = null;
            for (String line : lines(group)) {
                String[] f = line.split(":", -1);
                if (f.length >= 3 && f[0].equals(grp)) {
                    found = parse(f[2]);
                    break;
                }
            }
            if (found == null) {
                return null;
            }
            gid = found;
        }
        return new Ids(uid, gid);
    }

    private static String[] lines(String file) {
        return file == null ? new String[0] : file.split("\n");
    }

    private static Long parse(String s) {
        return s.matches("\\d+") ? Long.valueOf(s) : null;
    }
}
