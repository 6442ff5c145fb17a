"""What /proc says about a process, for bench.py and scale.py."""


def status_kib(pid, field):
    """A kB field of /proc/PID/status (VmRSS, VmHWM, ...); 0 once the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for entry in f:
                if entry.startswith(field + ":"):
                    return int(entry.split()[1])
    except FileNotFoundError:
        pass
    return 0
