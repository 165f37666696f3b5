"""The load both latency benchmarks put on an HTTP server, spoken over raw asyncio streams (a Python HTTP client
library would cost more CPU per request than the server, on the same two cores, and measure itself).

Open loop: requests go out on a fixed schedule whatever the answers, on as many connections as are needed, and a
request's latency runs from its scheduled send time to its full answer, so a slow answer, a queue or a cold start
all count (no coordinated omission). Closed loop: each connection sends its next request when the last one
answered, which gives the most a server can do.
"""

import asyncio
import json
import time

import numpy as np

SETTLED_AFTER = 2.0  # seconds: the p99 "after start" leaves out requests scheduled before this


async def open_loop(url: str, path: str, body: dict, rate: float, seconds: float) -> tuple[np.ndarray, int]:
    """Send `rate` requests per second for `seconds` on a fixed schedule; returns each answered request's
    scheduled send time and latency in seconds (rows of an array), and how many answers were not 200."""
    host, port = url.removeprefix("http://").split(":")
    request = post_request(host, path, body)
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    timings, failures = [], 0
    start = time.perf_counter()

    async def send(scheduled: float) -> None:
        nonlocal failures
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        status = None
        while status is None:  # a kept-alive connection the server has closed since answers nothing: another one
            reader, writer = idle.pop() if idle else await asyncio.open_connection(host, int(port))
            writer.write(request)
            status = await _status_of_answer(reader)
        timings.append((scheduled - start, time.perf_counter() - scheduled))
        failures += status != 200
        idle.append((reader, writer))

    await asyncio.gather(*(send(start + number / rate) for number in range(int(rate * seconds))))
    for _, writer in idle:
        writer.close()
    return np.array(timings), failures


def post_request(host: str, path: str, body: dict) -> bytes:
    """The bytes of an HTTP/1.1 POST of `body` as JSON, sent as they are on a kept-alive connection."""
    payload = json.dumps(body).encode()
    head = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}",
        "Content-Type: application/json",
        f"Content-Length: {len(payload)}",
    ]
    return "\r\n".join([*head, "", ""]).encode() + payload


async def _status_of_answer(reader: asyncio.StreamReader) -> int | None:
    """Read one HTTP/1.1 answer framed by Content-Length (raw streams: a client library would cost more CPU per
    request than the servers, on the same two cores); returns its status, None when the connection was closed."""
    try:
        status_line = await reader.readline()
    except ConnectionResetError:
        return None
    if not status_line:
        return None
    status = int(status_line.split()[1])
    headers = {}
    while (line := await reader.readline()).strip():
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    await reader.readexactly(int(headers.get("content-length", 0)))
    return status


def figures(timings: np.ndarray, failures: int, seconds: float) -> dict:
    ms = timings[:, 1] * 1000
    settled = ms[timings[:, 0] >= SETTLED_AFTER]
    milliseconds = {
        "p50": np.percentile(ms, 50),
        "p99": np.percentile(ms, 99),
        "max": ms.max(),
        "p99_after_start": np.percentile(settled, 99),
    }
    counts = {"requests": len(ms), "failures": failures, "per_second": round(len(ms) / seconds, 1)}
    return {**counts, **{f"{name}_ms": round(float(value), 2) for name, value in milliseconds.items()}}


async def closed_loop(url: str, path: str, body: dict, connections: int, seconds: float) -> tuple[np.ndarray, int]:
    """Each of `connections` sends its next request as soon as the last one answered, for `seconds`; the same
    result shape as open_loop."""
    host, port = url.removeprefix("http://").split(":")
    request = post_request(host, path, body)
    timings, failures = [], 0
    start = time.perf_counter()

    async def connection() -> None:
        nonlocal failures
        reader, writer = await asyncio.open_connection(host, int(port))
        while (sent := time.perf_counter()) < start + seconds:
            writer.write(request)
            status = await _status_of_answer(reader)
            timings.append((sent - start, time.perf_counter() - sent))
            failures += status != 200
        writer.close()

    await asyncio.gather(*(connection() for _ in range(connections)))
    return np.array(timings), failures


def line(measured: dict) -> str:
    return (
        f"{measured['per_second']} req/s: p50 {measured['p50_ms']} ms, p99 {measured['p99_ms']} ms "
        f"(after the first {SETTLED_AFTER:g} s: {measured['p99_after_start_ms']} ms), max {measured['max_ms']} ms"
    )
