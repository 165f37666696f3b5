"""How benchmarks report: a short table for people, then one JSON line for machines; and the peak memory."""

import json
import re
import resource
from pathlib import Path


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_mb(pid: int) -> dict[str, float]:
    """Resident memory of another process now (`rss`) and at its peak so far (`peak`), in MB (Linux's /proc)."""
    status = Path(f"/proc/{pid}/status").read_text()
    kilobytes = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, flags=re.M))
    return {"rss": int(kilobytes["VmRSS"]) / 1024, "peak": int(kilobytes["VmHWM"]) / 1024}


def report(title: str, rows: list[tuple[str, str]], figures: dict) -> None:
    print(f"\n{title}")
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    print(json.dumps(figures, default=str))
