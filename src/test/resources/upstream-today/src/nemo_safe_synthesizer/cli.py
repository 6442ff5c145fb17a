def main():
    print("safe-synthesizer (fixture)")
