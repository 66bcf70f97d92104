"""Build the bad-input corpus: the messy and hostile files a scheduled run must survive.

    .venv/bin/python scripts/make_bad_fixtures.py

Writes `tests/fixtures/bad/` (committed; tests/test_bad_inputs.py says what each must give).
Variants of the seeds are made by editing the parsed text export and writing it back in the
same form, so each file differs from its seed exactly where the case says:
- empty.txt — no bytes; junk.txt — random bytes (seeded) under a text name;
- truncated.txt — the 克州 seed cut off in the middle of 表六;
- missing-column.txt — the 克州 seed with 表三's 基本支出 column removed;
- yuan-table.txt — the 克州 seed with 表八 published in 元 (amounts × 10000, thousands commas);
- 数字 格式..txt — a small 表三 whose numbers are written 1,234.50 / 1 234.5 / full-width /
  (12.50) / -12.5, with —, /, - and 无 as blanks (its name has a space, Chinese and "..");
- kezhou-a.txt, kezhou-b.txt — the same bytes under two names;
- changji-v1.txt, changji-v2.txt — a disclosure and its corrected re-publication (later date,
  one 表八 figure corrected);
- oversize.txt — 64 KiB of padding (the tests run with a 50 kB limit);
- .hidden-note.txt — a hidden file;
- xxe.docx (document XML declaring an external entity) and zip-bomb.docx (5 MB of zeros
  compressed to a few kB).
"""

from __future__ import annotations

import io
import random
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.document import Cell, Document, Paragraph, Row, Table  # noqa: E402
from pipelines.readers.text_export import read_text_export, write_text_export  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "bad"
KEZHOU = ROOT / "data/raw/2020_yusuan_xinjiang-kezhou_zhengfu-bangongshi.txt"
CHANGJI = ROOT / "data/raw/2020_yusuan_xinjiang-changji_zhengfu-bangongshi.txt"


def table_after(document: Document, title: str) -> int:
    """Index of the first table after the paragraph or caption row naming `title`."""
    for index, block in enumerate(document.blocks):
        found = (isinstance(block, Paragraph) and title in block.text) or (
            isinstance(block, Table) and title in block.rows[0].texts[0]
        )
        if found:
            return next(
                i
                for i in range(index, len(document.blocks))
                if isinstance(document.blocks[i], Table)
            )
    raise ValueError(title)


def replace_block(document: Document, index: int, block) -> Document:
    blocks = list(document.blocks)
    blocks[index] = block
    return Document(document.source, document.format, tuple(blocks))


def missing_column(document: Document) -> Document:
    index = table_after(document, "部门支出总体情况表")
    table = document.blocks[index]
    rows = []
    for row in table.rows:
        texts = row.texts
        drop = texts.index("基本支出") if "基本支出" in texts else (5 if len(texts) == 7 else None)
        cells = tuple(c for i, c in enumerate(row.cells) if i != drop)
        rows.append(Row(cells, row.position))
    return replace_block(document, index, Table(tuple(rows), table.position))


def yuan_three_public(text: str, document: Document) -> str:
    index = table_after(document, "三公")
    table = document.blocks[index]
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            value = cell.text.strip(" \u3000")
            try:
                amount = float(value)
            except ValueError:
                cells.append(cell)
                continue
            cells.append(Cell(f"{amount * 10000:,.2f}", cell.position))
        rows.append(Row(tuple(cells), row.position))
    converted = write_text_export(
        replace_block(document, index, Table(tuple(rows), table.position))
    )
    return converted.replace(
        "编制单位： 克州政府办公室                                      单位：万元",
        "编制单位： 克州政府办公室                                      单位：元",
    )


NUMBER_FORMATS = """第二部分 2020年部门预算公开表
表三：
部门支出总体情况表
编制部门：某某局    单位：万元
\t功能分类科目编码
\t功能分类科目名称
\t合计
\t基本支出
\t项目支出

\t类
\t款
\t项
\t
\t
\t
\t

\t201
\t03
\t01
\t行政运行
\t1,234.50
\t1 234.5
\t—

\t201
\t03
\t50
\t事业运行
\t１２３.４
\t１２３.４
\t/

\t201
\t03
\t99
\t其他政府办公厅（室）及相关机构事务支出
\t(12.50)
\t-12.5
\t无

\t
\t
\t
\t合计
\t1,345.40
\t1,345.4
\t-

"""


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():  # fixed timestamps: the same bytes every time
            archive.writestr(
                zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return buffer.getvalue()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    kezhou_text = KEZHOU.read_text(encoding="utf-8")
    kezhou = read_text_export(KEZHOU.read_bytes(), KEZHOU.name)
    (OUT / "empty.txt").write_bytes(b"")
    (OUT / "junk.txt").write_bytes(random.Random(7).randbytes(4096))
    cut = kezhou_text.index("\t租赁费")
    (OUT / "truncated.txt").write_text(kezhou_text[:cut], encoding="utf-8")
    (OUT / "missing-column.txt").write_text(
        write_text_export(missing_column(kezhou)), encoding="utf-8"
    )
    (OUT / "yuan-table.txt").write_text(yuan_three_public(kezhou_text, kezhou), encoding="utf-8")
    (OUT / "数字 格式..txt").write_text(NUMBER_FORMATS, encoding="utf-8")
    (OUT / "kezhou-a.txt").write_bytes(KEZHOU.read_bytes())
    (OUT / "kezhou-b.txt").write_bytes(KEZHOU.read_bytes())
    changji = CHANGJI.read_text(encoding="utf-8")
    (OUT / "changji-v1.txt").write_text(changji, encoding="utf-8")
    corrected = changji.replace("2020年1月22日", "2020年2月1日").replace(
        "\t3.6\n\n\t\n", "\t3.60\n\n\t\n", 1
    )
    (OUT / "changji-v2.txt").write_text(corrected, encoding="utf-8")
    (OUT / "oversize.txt").write_text("表一：\n" + "填充" * 32768, encoding="utf-8")
    (OUT / ".hidden-note.txt").write_text("a note left in the folder\n", encoding="utf-8")
    (OUT / "xxe.docx").write_bytes(
        zip_bytes(
            {
                "[Content_Types].xml": b"<Types/>",
                "word/document.xml": b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM '
                b'"file:///etc/passwd">]><w:document>&x;</w:document>',
            }
        )
    )
    (OUT / "zip-bomb.docx").write_bytes(
        zip_bytes(
            {
                "[Content_Types].xml": b"<Types/>",
                "word/document.xml": b"\0" * 5_000_000,
            }
        )
    )
    print(f"{len(list(OUT.iterdir()))} files written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
