"""One measurement of the Python peer: requests.Session (keep-alive), the same PUT.

    /usr/bin/python3 bench/py_client.py BASE_URL N

Sends `fields` as JSON (json=...), decodes every answer (r.json()) and checks it is
the seed's contact. One untimed request first opens the connection. Prints one JSON
line like the other clients: requests, wall seconds, CPU seconds (getrusage of this
process), peak RSS in kB (VmHWM), errors.
"""
import json
import resource
import sys
import time

import requests

ACCOUNT, CONTACT = "bench-account", "c1"
FIELDS = {"firstName": "Bob", "lastName": "Thomson", "mobile": {"number": "+1234567890", "country": "US"}}


def cpu_seconds():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def peak_rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def main():
    base_url, n = sys.argv[1], int(sys.argv[2])
    url = f"{base_url}/v1/accounts/{ACCOUNT}/contacts/{CONTACT}"
    session = requests.Session()
    headers = {"Authorization": "Bearer bench", "Accept": "application/json"}

    def run(count):
        errors = 0
        for _ in range(count):
            r = session.put(url, json=FIELDS, headers=headers)
            try:
                data = r.json()["data"] if r.status_code == 200 else None
            except ValueError:
                data = None
            if not (isinstance(data, dict) and data.get("firstName") == "Chris"):
                errors += 1
                if errors <= 3:
                    print(f"py_client: {r.status_code} {r.text[:200]}", file=sys.stderr)
        return errors

    errors = run(1)
    c0, t0 = cpu_seconds(), time.perf_counter()
    errors += run(n)
    wall, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    print(json.dumps({"requests": n, "wall": wall, "cpu": cpu, "peak_rss_kb": peak_rss_kb(), "errors": errors}))


if __name__ == "__main__":
    main()
