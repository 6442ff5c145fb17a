def main():
    print("usage: safe-synthesizer [--help]")
