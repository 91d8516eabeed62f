"""Run every benchmark in bench/ and print their RESULT lines as a table."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    rows, failed = [], []
    for script in sorted(HERE.glob("[!_]*.py")):
        if script.name == "run.py":
            continue
        completed = subprocess.run(  # noqa: S603 - our own scripts
            [sys.executable, str(script)], capture_output=True, text=True, check=False
        )
        lines = [ln for ln in completed.stdout.splitlines() if ln.startswith("RESULT ")]
        if completed.returncode != 0 or not lines:
            failed.append(script.name)
            sys.stderr.write(completed.stdout + completed.stderr)
            continue
        for pair in lines[-1].split()[1:]:
            key, _, value = pair.partition("=")
            rows.append((script.stem, key, value))
    width = max((len(name) for name, _, _ in rows), default=10)
    key_width = max((len(key) for _, key, _ in rows), default=10)
    print(f"{'benchmark':<{width}}  {'measure':<{key_width}}  value")
    for name, key, value in rows:
        print(f"{name:<{width}}  {key:<{key_width}}  {value}")
    if failed:
        print("failed: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
