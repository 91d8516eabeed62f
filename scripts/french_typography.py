"""Put a narrow no-break space (U+202F) before : ; ! ? in the French catalogue's msgstr.

French typography wants it, and a plain or no-break space there lets the sign wrap to
the next line. `make messages` runs this after `makemessages`, before compiling, so every
new translation follows the rule; `tests/web/public/test_french_wording.py` checks it.
"""

import re
import sys
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[1] / "src/certifolio/locale/fr/LC_MESSAGES/django.po"
NARROW = "\u202f"
SPACE_BEFORE_SIGN = re.compile(r"[ \u00a0]([:;!?])")


def fix(text: str) -> str:
    lines = text.split("\n")
    in_msgstr = False
    for index, line in enumerate(lines):
        if line.startswith("msgstr"):
            in_msgstr = True
        elif not line.startswith('"'):
            in_msgstr = False
        if not in_msgstr:
            continue
        lines[index] = SPACE_BEFORE_SIGN.sub(NARROW + r"\1", line)
        # A wrapped line that ends with a space, followed by one that starts with a sign.
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if re.match(r'"[:;!?]', following) and re.search(r'[ \u00a0]"$', lines[index]):
            lines[index] = lines[index][:-2] + NARROW + '"'
    return "\n".join(lines)


def main() -> int:
    text = CATALOGUE.read_text(encoding="utf-8")
    fixed = fix(text)
    if fixed != text:
        CATALOGUE.write_text(fixed, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
