-- gongkai warehouse: a star schema at the grain of one published number.
-- Natural keys throughout: document_id is the first 16 hex digits of the file's SHA-256,
-- fact_id a hash of the fact's position in its document, so ids are stable across rebuilds.

CREATE TABLE dim_region (
    region_id      VARCHAR PRIMARY KEY,   -- the region's full name, e.g. 克孜勒苏柯尔克孜自治州
    region_name    VARCHAR NOT NULL,
    province       VARCHAR,               -- NULL when the gazetteer does not know the place
    level          VARCHAR,               -- province | prefecture | county | district
    division_code  VARCHAR                -- GB/T 2260 code (e.g. 310107 上海市普陀区), where shipped
);

CREATE TABLE dim_department (
    department_id   VARCHAR PRIMARY KEY,  -- hash of its region's division code and its name
    department_name VARCHAR NOT NULL,     -- canonical: 中共江苏省委办公厅 for every form printed
    region_id       VARCHAR REFERENCES dim_region (region_id),
    admin_level     VARCHAR               -- its region's level, or township (街道, 镇, 乡)
);

CREATE TABLE dim_fiscal_year (
    fiscal_year INTEGER PRIMARY KEY
);

CREATE TABLE dim_document (
    document_id    VARCHAR PRIMARY KEY,
    sha256         VARCHAR NOT NULL,
    format         VARCHAR NOT NULL,      -- text, pdf, zip-office, ...
    template       VARCHAR,               -- which described table set it follows, e.g. budget_2020
    kind           VARCHAR,               -- budget (预算) or final_accounts (决算)
    scope          VARCHAR,               -- department (部门, consolidating its units) | unit (单位)
    fiscal_year    INTEGER REFERENCES dim_fiscal_year (fiscal_year),
    department_id  VARCHAR REFERENCES dim_department (department_id),
    printed_department VARCHAR,           -- the department's name as this document prints it
    region_id      VARCHAR REFERENCES dim_region (region_id),
    unit           VARCHAR,               -- the unit most of its tables are published in
    published_date DATE,
    part           VARCHAR,               -- complete (its tables read) | narrative_only (no tables:
                                          -- a page whose tables are in attachments it links)
    -- where each part of its identity was read: cover, title, label (部门名称：…), caption
    -- (编制部门：…), heading (第一部分 …概况), publisher, narrative, text, tables, name (a
    -- （汇总）/（本级） mark), text_part (its joined text part's), file_name (the last resort)
    department_from  VARCHAR,
    fiscal_year_from VARCHAR,
    kind_from        VARCHAR,
    scope_from       VARCHAR,
    authorized_posts INTEGER,             -- 编制数, from 第一部分 (for per-person questions)
    actual_headcount INTEGER,             -- 实有人数
    serving_staff    INTEGER              -- 在职
);

-- Every file found under the raw folder, loaded or not: nothing disappears unaccounted.
CREATE TABLE raw_file (
    source_file  VARCHAR PRIMARY KEY,     -- path relative to the raw folder
    sha256       VARCHAR NOT NULL,
    size_bytes   BIGINT NOT NULL,
    format       VARCHAR NOT NULL,        -- sniffed from the bytes: text, docx, xlsx, pdf, html, …
    encoding     VARCHAR,                 -- how a text format was decoded: utf-8, gb18030, …
    document_id  VARCHAR NOT NULL,
    status       VARCHAR NOT NULL,        -- loaded | quarantined | not_disclosure | duplicate |
                                          -- superseded | joined | ignored
    reason       VARCHAR                  -- why it was quarantined, or which file it duplicates
);

CREATE TABLE dim_table (
    template   VARCHAR NOT NULL,
    table_no   SMALLINT NOT NULL,
    table_name VARCHAR NOT NULL,
    layout     VARCHAR NOT NULL,          -- grid | two_sided | blocks (a grid in side-by-side blocks)
    code_kind  VARCHAR,                   -- function | economic | NULL
    topic      VARCHAR,                   -- what the table is about across templates, e.g. three_public
    PRIMARY KEY (template, table_no)
);

CREATE TABLE dim_measure (
    measure     VARCHAR PRIMARY KEY,
    name_zh     VARCHAR NOT NULL,
    description VARCHAR NOT NULL
);

-- Classification codes: the shipped reference lists (partial; see
-- pipelines/reference/classification/SOURCES.md) plus every code documents print that the
-- lists lack. Join on the code and the list year: 2020 for functional codes and for economic
-- codes from 2018 on, 2017 for economic codes before the 2018 reform.
CREATE TABLE dim_function_class (
    function_code VARCHAR NOT NULL,       -- 类 3 digits, 款 5, 项 7
    name          VARCHAR,                -- official name; for document-only codes, as printed
    level         SMALLINT NOT NULL,      -- 1 类, 2 款, 3 项
    parent_code   VARCHAR,
    year          INTEGER NOT NULL,       -- the year of the list the row belongs to
    status        VARCHAR NOT NULL,       -- evidence: attested | name_attested | recall | uncertain
                                          -- | source_verbatim; for document-only codes:
                                          -- not_in_national_list | unverified
    evidence      VARCHAR,
    list_complete BOOLEAN NOT NULL,       -- is the list complete at this level and parent?
    source        VARCHAR NOT NULL,       -- reference | document
    PRIMARY KEY (function_code, year)
);

CREATE TABLE dim_economic_class (
    economic_code VARCHAR NOT NULL,       -- 类 3 digits, 款 5
    name          VARCHAR,
    level         SMALLINT NOT NULL,
    parent_code   VARCHAR,
    year          INTEGER NOT NULL,
    status        VARCHAR NOT NULL,
    evidence      VARCHAR,
    list_complete BOOLEAN NOT NULL,
    source        VARCHAR NOT NULL,
    PRIMARY KEY (economic_code, year)
);

-- The table inventory of each document: every described table present with data, present
-- and empty (with or without an explanation), or missing.
CREATE TABLE document_table (
    document_id    VARCHAR NOT NULL REFERENCES dim_document (document_id),
    template       VARCHAR NOT NULL,
    table_no       SMALLINT NOT NULL,
    table_name     VARCHAR NOT NULL,
    status         VARCHAR NOT NULL,      -- data | empty_explained | empty_unexplained | missing
                                          -- | unread (printed, in a layout not described) | unrecognised
                                          -- | unrecognised (template 'unrecognised', numbered)
    printed_title  VARCHAR,
    printed_number VARCHAR,               -- 表一, 表二 ... as printed
    unit           VARCHAR,
    explanation    VARCHAR,               -- what the document says about an empty table (also
                                          -- a note calling a table with data empty)
    fact_count     INTEGER NOT NULL,
    source_line    INTEGER,
    source_page    INTEGER,
    PRIMARY KEY (document_id, template, table_no)
);

-- What extraction noticed but could not turn into facts (text in a number column, unknown
-- tables): kept so a reviewer sees it.
CREATE TABLE document_warning (
    document_id VARCHAR NOT NULL REFERENCES dim_document (document_id),
    kind        VARCHAR NOT NULL,         -- unparsed_cell | unrecognised_table | _column | _row
    template    VARCHAR,                  -- the table's template (unrecognised: a table no
    table_no    SMALLINT,                 --   description reads, numbered on its own)
    source_row  INTEGER,                  -- the cell, where the warning is about one
    source_column INTEGER,
    source_line INTEGER,
    source_page INTEGER,
    message     VARCHAR NOT NULL
);

-- Every classification code a recognised table prints, also on rows without amounts.
CREATE TABLE printed_code (
    document_id  VARCHAR NOT NULL REFERENCES dim_document (document_id),
    template     VARCHAR NOT NULL,
    table_no     SMALLINT NOT NULL,
    code_kind    VARCHAR NOT NULL,        -- function | economic
    code         VARCHAR NOT NULL,
    printed_name VARCHAR,
    has_amounts  BOOLEAN NOT NULL,
    budget_unit  VARCHAR,                 -- the unit's block it is printed in (see fact_budget_line)
    source_row   INTEGER NOT NULL,
    source_line  INTEGER,
    source_page  INTEGER
);

-- Performance-target forms (项目支出绩效目标表): a project each, and its indicators.
CREATE TABLE performance_project (
    document_id  VARCHAR NOT NULL REFERENCES dim_document (document_id),
    form_no      SMALLINT NOT NULL,       -- 1-based order of the form in the document
    project_name VARCHAR,
    budget_unit  VARCHAR,                 -- 预算单位
    total_funds  DECIMAL(24, 6),          -- 年度资金总额, 万元
    fiscal_funds DECIMAL(24, 6),          -- 其中：财政拨款
    other_funds  DECIMAL(24, 6),          -- 其他资金
    basic_funds  DECIMAL(24, 6),          -- 基本支出 (a department's whole-expenditure form)
    project_funds DECIMAL(24, 6),         -- 项目支出 (a department's whole-expenditure form)
    goal         VARCHAR,                 -- 项目总体目标
    source_line  INTEGER,
    source_page  INTEGER,
    PRIMARY KEY (document_id, form_no)
);

CREATE TABLE performance_indicator (
    document_id  VARCHAR NOT NULL REFERENCES dim_document (document_id),
    form_no      SMALLINT NOT NULL,
    indicator_no SMALLINT NOT NULL,
    project_name VARCHAR,
    level1       VARCHAR,                 -- 一级指标, e.g. 项目完成指标
    level2       VARCHAR,                 -- 二级指标, e.g. 成本指标
    level3       VARCHAR,                 -- 三级指标: the indicator itself
    target_raw   VARCHAR NOT NULL,        -- 指标值 as published
    operator     VARCHAR,                 -- <= >= = < > where the target has one
    target_value DECIMAL(24, 6),
    target_unit  VARCHAR,                 -- 元, %, 人, 次 …
    target_date  DATE,                    -- for targets that are dates (开始时间 2020年1月1日)
    source_line  INTEGER,
    source_page  INTEGER,
    PRIMARY KEY (document_id, form_no, indicator_no)
);

-- Every figure the narrative (第三部分 情况说明) states: one row per claim, a subject with its
-- amount, share and change on last year.
CREATE TABLE narrative_claim (
    document_id    VARCHAR NOT NULL REFERENCES dim_document (document_id),
    claim_no       INTEGER NOT NULL,      -- reading order in the document
    section        VARCHAR,               -- the heading the claim stands under
    subject        VARCHAR NOT NULL,      -- what the figure is about, as printed
    measure        VARCHAR,               -- canonical measure where the subject names one
    function_code  VARCHAR,               -- functional class the subject names, if any
    economic_code  VARCHAR,               -- economic class the subject names, if any
    amount         DECIMAL(24, 6),        -- as printed
    unit           VARCHAR,               -- 万元 or 元 as printed
    amount_wan     DECIMAL(24, 6),        -- in 万元
    share_percent  DECIMAL(24, 6),        -- 占98.41% → 98.41
    share_base     VARCHAR,               -- what the share is of, where named (占“三公”经费的X%)
    change_amount  DECIMAL(24, 6),        -- the change on last year as printed (unsigned)
    change_direction VARCHAR,             -- increase | decrease | unspecified (增加（减少）)
    change_wan     DECIMAL(24, 6),        -- signed change in 万元 where the direction is given
    change_percent DECIMAL(24, 6),
    change_percent_direction VARCHAR,
    prior_year_wan DECIMAL(24, 6),        -- derived: amount − signed change (not published)
    sentence       VARCHAR NOT NULL,
    source_file    VARCHAR NOT NULL,      -- the file the sentence is in (a text part of a
                                          -- disclosure published in several files)
    source_line    INTEGER,
    source_page    INTEGER,
    PRIMARY KEY (document_id, claim_no)
);

-- The document's outline, as the review checklist reads it: one row per 目录 entry, per section
-- found (主要职能, 机构设置, 名词解释, the narrative), per subject the narrative explains, per
-- heading naming the document 部门 or 单位 预算/决算, per project implementation period (实施周期)
-- and per class named by a name since renamed.
CREATE TABLE document_passage (
    document_id    VARCHAR NOT NULL REFERENCES dim_document (document_id),
    passage_no     INTEGER NOT NULL,      -- reading order within its kind's pass
    kind           VARCHAR NOT NULL,      -- contents | section | subject | self_name | period |
                                          -- former_name
    item           VARCHAR,               -- section or subject (vocabulary [outline]), 部门/单位,
                                          -- the period's first-last year, the renamed code
    text           VARCHAR NOT NULL,      -- as printed (former_name: name|quote)
    source_file    VARCHAR NOT NULL,
    source_line    INTEGER,
    source_page    INTEGER,
    PRIMARY KEY (document_id, passage_no)
);

-- Text cells: every filled cell of the tables of text, not amounts (a 单位构成 roster: 序号 |
-- 单位名称 | 备注), and the text columns of the tables read as facts (a project's 绩效目标),
-- with the column's header; list_kind names the kind of list the caption says it is
-- (vocabulary [lists]: unit_roster), NULL where none.
CREATE TABLE text_table_cell (
    document_id    VARCHAR NOT NULL REFERENCES dim_document (document_id),
    text_table_no  SMALLINT NOT NULL,     -- 1-based order of the text table in the document
    template       VARCHAR,               -- with table_no: the table read as facts whose text
    table_no       SMALLINT,              -- columns these are (NULL for a table of text)
    list_kind      VARCHAR,
    title          VARCHAR,               -- the caption line nearest above it
    row_no         INTEGER NOT NULL,      -- 1-based row within the table, as a fact's source_row
    column_no      SMALLINT NOT NULL,     -- 1-based
    header         VARCHAR,               -- the column's header labels, top down, joined by /
    text           VARCHAR NOT NULL,
    source_line    INTEGER,
    source_page    INTEGER,
    PRIMARY KEY (document_id, text_table_no, row_no, column_no)
);

-- The department's profile as the prose states it: staffing, internal structure, assets,
-- procurement, running costs. One row per item (structure: one per internal unit's name).
CREATE TABLE profile_fact (
    document_id      VARCHAR NOT NULL REFERENCES dim_document (document_id),
    topic            VARCHAR NOT NULL,    -- staffing | structure | assets | procurement |
                                          -- running_costs
    item             VARCHAR NOT NULL,    -- e.g. serving, vehicles_value, goods, internal_unit
    value            DECIMAL(24, 6),
    unit             VARCHAR,             -- 人, 个, 辆, 平方米, 台（套）, 万元
    change           DECIMAL(24, 6),      -- signed change on last year, where stated
    change_direction VARCHAR,             -- increase | decrease | unspecified
    name             VARCHAR,             -- an internal unit's name (topic structure)
    sentence         VARCHAR NOT NULL,
    source_file      VARCHAR NOT NULL,    -- the file the sentence is in
    source_line      INTEGER,
    source_page      INTEGER
);

-- Every data-quality comparison: one row per check per subject, passing ones included.
CREATE TABLE dq_result (
    document_id   VARCHAR NOT NULL REFERENCES dim_document (document_id),
    check_id      VARCHAR NOT NULL,       -- stable id, e.g. balance.income_equals_expense
    rule_family   VARCHAR NOT NULL,       -- within_table_sums | balance | cross_table |
                                          -- code_validity | completeness | plausibility
    severity      VARCHAR NOT NULL,       -- error | warning | info: how serious a failure is
    passed        BOOLEAN,                -- NULL: could not be decided (an unverified code)
    table_no      SMALLINT,
    subject       VARCHAR,                -- the code, row or item checked
    expected      VARCHAR,
    observed      VARCHAR,
    difference    DECIMAL(24, 6),         -- observed − expected in 万元, arithmetic checks
    status        VARCHAR,                -- what a status check found (match, missing, …)
    message_zh    VARCHAR NOT NULL,
    message_en    VARCHAR NOT NULL,
    source_line   INTEGER,
    source_page   INTEGER,
    source_row    INTEGER,
    source_column INTEGER
);

CREATE TABLE fact_budget_line (
    fact_id        VARCHAR PRIMARY KEY,
    document_id    VARCHAR NOT NULL REFERENCES dim_document (document_id),
    template       VARCHAR NOT NULL,
    table_no       SMALLINT NOT NULL,
    table_name     VARCHAR NOT NULL,
    section        VARCHAR,               -- income | expense on two-sided tables, else NULL
    row_label      VARCHAR,               -- the row's printed name, white space removed
    row_role       VARCHAR NOT NULL,      -- item | component (of the item above) | subtotal | total
    function_code  VARCHAR,
    economic_code  VARCHAR,
    project_name   VARCHAR,
    budget_unit    VARCHAR,               -- in a 部门 table printing each unit's block: the unit
    measure        VARCHAR NOT NULL REFERENCES dim_measure (measure),
    basis          VARCHAR,               -- budget (预算数) | actual (决算数): what the figure is
    column_label   VARCHAR NOT NULL,      -- header path as printed, levels joined by '/'
    amount         DECIMAL(24, 6) NOT NULL, -- in 万元, converted exactly when published in 元
    published_unit VARCHAR NOT NULL,
    raw_text       VARCHAR NOT NULL,      -- the cell exactly as published
    is_total       BOOLEAN NOT NULL,      -- a total or subtotal row or column
    source_row     INTEGER NOT NULL,      -- 1-based row within the table
    source_column  INTEGER NOT NULL,      -- 1-based column within the table
    source_line    INTEGER,               -- line in the source file (text formats)
    source_page    INTEGER                -- page in the source file (PDF)
);

-- The figures a table prints for another period beside the document's own: last year's column
-- (2025年预算数 or 上年执行数 in a 2026 budget), and the change between the two (增减额 in 万元,
-- 增减率 in %: published_unit says which). Kept out of fact_budget_line so no sum over it adds
-- two years; period_year is the year the figure is of (for a change, the document's year).
CREATE TABLE fact_other_period (
    fact_id        VARCHAR PRIMARY KEY,
    document_id    VARCHAR NOT NULL REFERENCES dim_document (document_id),
    template       VARCHAR NOT NULL,
    table_no       SMALLINT NOT NULL,
    table_name     VARCHAR NOT NULL,
    section        VARCHAR,
    row_label      VARCHAR,
    row_role       VARCHAR NOT NULL,
    function_code  VARCHAR,
    economic_code  VARCHAR,
    project_name   VARCHAR,
    budget_unit    VARCHAR,
    measure        VARCHAR NOT NULL REFERENCES dim_measure (measure),
    basis          VARCHAR,
    period         VARCHAR NOT NULL,      -- prior | later (a year before or after) | change
    period_year    SMALLINT,
    column_label   VARCHAR NOT NULL,
    amount         DECIMAL(24, 6) NOT NULL, -- in 万元; a change in % as printed
    published_unit VARCHAR NOT NULL,
    raw_text       VARCHAR NOT NULL,
    is_total       BOOLEAN NOT NULL,
    source_row     INTEGER NOT NULL,
    source_column  INTEGER NOT NULL,
    source_line    INTEGER,
    source_page    INTEGER
);

CREATE VIEW v_documents AS
SELECT
    r.document_id,
    r.source_file AS path,
    r.sha256,
    r.format,
    r.encoding,
    d.kind,
    d.scope,
    d.fiscal_year,
    dep.department_name AS department,
    d.printed_department,
    reg.region_name AS region,
    reg.province,
    reg.division_code,
    dep.admin_level,
    d.unit,
    d.published_date AS date,
    d.part,
    d.department_from,
    d.fiscal_year_from,
    d.kind_from,
    d.scope_from,
    r.status,
    r.reason,
    CASE WHEN r.status = 'loaded' THEN coalesce(c.fact_count, 0) ELSE 0 END AS fact_count,
    d.template,
    coalesce(t.recognised_tables, 0) AS recognised_tables,
    coalesce(t.unrecognised_tables, 0) AS unrecognised_tables
FROM raw_file r
LEFT JOIN dim_document d ON d.document_id = r.document_id AND r.status = 'loaded'
LEFT JOIN (SELECT document_id, count(*) AS fact_count FROM fact_budget_line GROUP BY document_id) c
       ON c.document_id = r.document_id
LEFT JOIN (
    SELECT document_id,
           count(*) FILTER (WHERE status NOT IN ('missing', 'unread', 'unrecognised'))
               AS recognised_tables,
           count(*) FILTER (WHERE status = 'unrecognised') AS unrecognised_tables
    FROM document_table GROUP BY document_id
) t ON t.document_id = r.document_id AND r.status = 'loaded'
LEFT JOIN dim_department dep ON dep.department_id = d.department_id
LEFT JOIN dim_region reg ON reg.region_id = d.region_id;

-- Every department once, under its canonical name, with every form of the name its loaded
-- documents print (中国共产党江苏省委员会办公厅, 中共江苏省委办公厅, 江苏省委办公厅 are one).
CREATE VIEW v_departments AS
SELECT dep.department_id, dep.department_name AS department, reg.region_name AS region,
       reg.division_code, dep.admin_level,
       list(DISTINCT d.printed_department ORDER BY d.printed_department)
           FILTER (WHERE d.printed_department IS NOT NULL) AS printed_names,
       count(d.document_id) AS documents
FROM dim_department dep
LEFT JOIN dim_document d USING (department_id)
LEFT JOIN dim_region reg ON reg.region_id = dep.region_id
GROUP BY ALL;

-- Every fact, with the class of its table (dim_table.topic: three_public, expenditure, …) so a
-- query selects by class in every family; table_no is the table's printed order.
CREATE VIEW v_budget_facts AS
SELECT
    f.fact_id, f.document_id, f.template, f.table_no, f.table_name, dt.topic AS table_class,
    f.section, f.row_label,
    f.row_role, f.function_code, f.economic_code, f.project_name, f.budget_unit, f.measure,
    f.basis, f.column_label, f.amount,
    f.published_unit, f.raw_text, f.is_total, f.source_row, f.source_column, f.source_line,
    f.source_page,
    dep.department_name AS department,
    d.fiscal_year,
    d.kind
FROM fact_budget_line f
JOIN dim_document d USING (document_id)
LEFT JOIN dim_table dt ON dt.template = f.template AND dt.table_no = f.table_no
LEFT JOIN dim_department dep ON dep.department_id = d.department_id;

-- The document's own figures, as the marts count them: of a 部门 table printing the
-- department's block (汇总) beside each unit's block (`budget_unit`), the department's rows —
-- the units' are in it again; of one printing only its units' blocks, those (together they are
-- the department's). A table without blocks of units is all its facts.
CREATE VIEW document_facts AS
SELECT f.* FROM fact_budget_line f
WHERE f.budget_unit IS NULL
   OR NOT EXISTS (
       SELECT 1 FROM fact_budget_line d
       WHERE d.document_id = f.document_id AND d.template = f.template
         AND d.table_no = f.table_no AND d.budget_unit IS NULL
         AND (d.function_code IS NOT NULL OR d.economic_code IS NOT NULL)
   );

-- The figures of another period a table prints beside the document's own (fact_other_period),
-- with the same context as v_budget_facts: fiscal_year is the document's, period_year the
-- figure's.
CREATE VIEW v_other_period_facts AS
SELECT
    f.fact_id, f.document_id, f.template, f.table_no, f.table_name, dt.topic AS table_class,
    f.section, f.row_label, f.row_role, f.function_code, f.economic_code, f.project_name,
    f.budget_unit, f.measure, f.basis, f.period, f.period_year, f.column_label, f.amount,
    f.published_unit, f.raw_text, f.is_total, f.source_row, f.source_column, f.source_line, f.source_page,
    dep.department_name AS department,
    d.fiscal_year,
    d.kind
FROM fact_other_period f
JOIN dim_document d USING (document_id)
LEFT JOIN dim_table dt ON dt.template = f.template AND dt.table_no = f.table_no
LEFT JOIN dim_department dep ON dep.department_id = d.department_id;

-- The classification list a document of a year is named by: the latest list of that year or
-- before (30217 is 招待费 in the pre-2018 list, 公务接待费 since), else the earliest there is.
CREATE MACRO list_year(kind, fiscal_year) AS (
    SELECT coalesce(max(year) FILTER (WHERE year <= fiscal_year), min(year))
    FROM (SELECT year FROM dim_economic_class WHERE kind = 'economic'
          UNION ALL SELECT year FROM dim_function_class WHERE kind = 'function')
);

-- The same for one code: the latest list of that year or before that holds it (the codes 2026
-- documents print attest only some codes; the others keep their 2020 names).
CREATE MACRO code_list_year(kind, code, fiscal_year) AS (
    SELECT coalesce(max(year) FILTER (WHERE year <= fiscal_year), min(year))
    FROM (SELECT year FROM dim_economic_class WHERE kind = 'economic' AND economic_code = code
          UNION ALL
          SELECT year FROM dim_function_class WHERE kind = 'function' AND function_code = code)
);

-- The documents the marts count. A department publishes its 部门 budget (consolidating its
-- units) and often its own 单位 (本级) budget too: the 部门 document contains the 单位 one, so of
-- the two of one department, year and kind only the 部门 one is counted (adding both would count
-- the 单位's money twice). A 单位 document with no 部门 document beside it counts.
CREATE VIEW v_reporting_documents AS
SELECT d.* FROM dim_document d
WHERE d.scope IS DISTINCT FROM 'unit'
   OR NOT EXISTS (
       SELECT 1 FROM dim_document consolidated
       WHERE consolidated.department_id = d.department_id
         AND consolidated.fiscal_year = d.fiscal_year
         AND consolidated.kind = d.kind
         AND consolidated.scope = 'department'
   );

-- One row per counted document (v_reporting_documents) that publishes the 三公 table; a blank
-- published cell counts as 0.
CREATE VIEW v_three_public AS
SELECT
    t.document_id,
    dep.department_name AS department,
    d.fiscal_year,
    d.scope,
    coalesce(sum(f.amount) FILTER (WHERE f.measure = 'total'), 0)            AS total,
    coalesce(sum(f.amount) FILTER (WHERE f.measure = 'abroad'), 0)           AS abroad,
    coalesce(sum(f.amount) FILTER (WHERE f.measure = 'vehicle_total'), 0)    AS vehicle_total,
    coalesce(sum(f.amount) FILTER (WHERE f.measure = 'vehicle_purchase'), 0) AS vehicle_purchase,
    coalesce(sum(f.amount) FILTER (WHERE f.measure = 'vehicle_running'), 0)  AS vehicle_running,
    coalesce(sum(f.amount) FILTER (WHERE f.measure = 'reception'), 0)        AS reception,
    CASE d.kind WHEN 'final_accounts' THEN 'actual' ELSE 'budget' END        AS basis
FROM document_table t
JOIN dim_table dt ON dt.template = t.template AND dt.table_no = t.table_no
JOIN v_reporting_documents d ON d.document_id = t.document_id
LEFT JOIN dim_department dep ON dep.department_id = d.department_id
LEFT JOIN document_facts f
       ON f.document_id = t.document_id AND f.template = t.template AND f.table_no = t.table_no
      -- a 决算 table prints the plan beside the outcome: a document's figures are its own kind's
      AND f.basis = CASE d.kind WHEN 'final_accounts' THEN 'actual' ELSE 'budget' END
WHERE dt.topic = 'three_public' AND t.status NOT IN ('missing', 'unread')
GROUP BY ALL;

-- finding_class: what a failed check says — error, warning, info, rounding (the figures'
-- rounding allows the difference: not the document contradicting itself), or reading_doubt
-- (a check failing on a table whose reading is doubtful: gongkai's problem, not the
-- document's), or consequence (a gap another finding, its root, explains: told once, there);
-- not_evaluated where the check decided nothing (no narrative figure read, a code the partial
-- reference lists lack, a table with no sum to test); NULL where it passed.
CREATE VIEW v_dq_results AS
SELECT
    q.document_id, q.check_id, q.rule_family, q.severity, q.passed,
    CASE WHEN q.passed IS NULL THEN 'not_evaluated'
         WHEN q.passed THEN NULL
         WHEN q.status = 'rounding' THEN 'rounding'
         WHEN q.status IN ('reading_doubt', 'doubtful') THEN 'reading_doubt'
         WHEN q.status = 'consequence' THEN 'consequence'
         ELSE q.severity END AS finding_class,
    q.table_no, q.subject,
    q.expected, q.observed, q.difference, q.status, q.message_zh, q.message_en,
    r.source_file, q.source_page, q.source_line, q.source_row, q.source_column,
    dep.department_name AS department,
    d.fiscal_year
FROM dq_result q
JOIN dim_document d ON d.document_id = q.document_id
LEFT JOIN dim_department dep ON dep.department_id = d.department_id
LEFT JOIN raw_file r ON r.document_id = q.document_id AND r.status = 'loaded';

-- Every cell of the documents' tables of text, with the department and year: SELECT text FROM
-- v_text_tables WHERE list_kind = 'unit_roster' AND header = '单位名称' lists the units.
CREATE VIEW v_text_tables AS
SELECT
    c.document_id, dep.department_name AS department, d.fiscal_year, c.text_table_no,
    c.template, c.table_no, c.list_kind, c.title, c.row_no, c.column_no, c.header, c.text, c.source_line,
    c.source_page
FROM text_table_cell c
JOIN dim_document d ON d.document_id = c.document_id
LEFT JOIN dim_department dep ON dep.department_id = d.department_id;

CREATE VIEW v_performance_indicators AS
SELECT
    i.document_id, dep.department_name AS department, d.fiscal_year, i.form_no,
    i.project_name, p.total_funds, p.fiscal_funds, p.other_funds, p.basic_funds,
    p.project_funds, i.indicator_no,
    i.level1, i.level2, i.level3, i.target_raw, i.operator, i.target_value, i.target_unit,
    i.target_date, i.source_line, i.source_page
FROM performance_indicator i
JOIN performance_project p USING (document_id, form_no)
JOIN dim_document d ON d.document_id = i.document_id
LEFT JOIN dim_department dep ON dep.department_id = d.department_id;

CREATE VIEW v_narrative_claims AS
SELECT
    c.document_id, dep.department_name AS department, d.fiscal_year, c.claim_no, c.section,
    c.subject, c.measure, c.function_code, c.economic_code, c.amount, c.unit, c.amount_wan,
    c.share_percent, c.share_base, c.change_amount, c.change_direction, c.change_wan,
    c.change_percent, c.change_percent_direction, c.prior_year_wan,
    c.prior_year_wan IS NOT NULL AS prior_year_derived, c.sentence, c.source_file, c.source_line,
    c.source_page
FROM narrative_claim c
JOIN dim_document d ON d.document_id = c.document_id
LEFT JOIN dim_department dep ON dep.department_id = d.department_id;

CREATE VIEW v_profile AS
SELECT p.*, dep.department_name AS department, d.fiscal_year
FROM profile_fact p
JOIN dim_document d ON d.document_id = p.document_id
LEFT JOIN dim_department dep ON dep.department_id = d.department_id;

CREATE VIEW v_staffing AS
SELECT document_id, department, fiscal_year, item, value AS people, change, change_direction,
       sentence, source_line, source_page
FROM v_profile WHERE topic = 'staffing';

CREATE VIEW v_assets AS
SELECT document_id, department, fiscal_year, item, value, unit, sentence, source_line,
       source_page
FROM v_profile WHERE topic = 'assets';

CREATE VIEW v_procurement AS
SELECT document_id, department, fiscal_year, item, value AS amount_wan, sentence, source_line,
       source_page
FROM v_profile WHERE topic = 'procurement';

-- ---- marts: the questions analysts ask ----------------------------------------------------

-- One row per counted document (v_reporting_documents): totals, the basic/project and
-- personnel/public-use splits, 三公, and per-person figures.
CREATE VIEW v_department_overview AS
WITH figures AS (
    SELECT f.document_id,
        sum(amount) FILTER (WHERE topic = 'overview' AND section = 'income'
                            AND row_role = 'total' AND measure = 'total') AS income_total,
        coalesce(
            sum(amount) FILTER (WHERE topic = 'overview' AND section = 'expense'
                                AND row_role = 'total' AND measure = 'total'),
            sum(amount) FILTER (WHERE topic = 'overview' AND section = 'expense_by_use'
                                AND row_role = 'total' AND measure = 'total')
        ) AS expense_total,
        sum(amount) FILTER (WHERE topic = 'expenditure' AND row_role IN ('total', 'item')
                            AND function_code IS NULL
                            AND measure = 'basic_expenditure') AS basic_expenditure,
        sum(amount) FILTER (WHERE topic = 'expenditure' AND row_role IN ('total', 'item')
                            AND function_code IS NULL
                            AND measure = 'project_expenditure') AS project_expenditure,
        sum(amount) FILTER (WHERE topic = 'general_budget_basic' AND row_role = 'total'
                            AND measure = 'personnel') AS personnel,
        sum(amount) FILTER (WHERE topic = 'general_budget_basic' AND row_role = 'total'
                            AND measure = 'public_use') AS public_use
    FROM document_facts f
    JOIN dim_table t USING (template, table_no)
    GROUP BY f.document_id
)
SELECT
    d.document_id, dep.department_name AS department, reg.region_name AS region, d.fiscal_year,
    d.scope, f.income_total, f.expense_total, coalesce(f.basic_expenditure, 0) AS basic_expenditure,
    coalesce(f.project_expenditure, 0) AS project_expenditure, f.personnel, f.public_use,
    round(100 * f.personnel / nullif(f.personnel + f.public_use, 0), 2) AS personnel_share_pct,
    t.total AS three_public, t.abroad, t.vehicle_total, t.reception,
    d.authorized_posts, d.actual_headcount, d.serving_staff,
    round(f.personnel / nullif(d.serving_staff, 0), 4) AS personnel_per_serving_staff,
    round(f.basic_expenditure / nullif(d.serving_staff, 0), 4) AS basic_per_serving_staff
FROM v_reporting_documents d
LEFT JOIN figures f USING (document_id)
LEFT JOIN v_three_public t USING (document_id)
LEFT JOIN dim_department dep ON dep.department_id = d.department_id
LEFT JOIN dim_region reg ON reg.region_id = d.region_id;

-- Expenditure (the expenditure table: 2020 表三) rolled up to 类, 款 and 项, with official names
-- where the reference has them. Where a document prints 类 and 款 rows as well as 项 rows
-- (Jiangsu, Shanghai), only the lowest printed level is rolled up. A family whose expenditure
-- table has no function codes (Jiangsu's 支出预算总表 is one row) is rolled up from its
-- overview's expense side instead, the same funds at 类 level: `source_class` says which table
-- the figures are from. Counted documents only (v_reporting_documents).
CREATE VIEW v_function_rollup AS
WITH by_table AS (
    SELECT f.document_id, f.function_code, f.measure, f.amount, d.fiscal_year,
           t.topic AS source_class
    FROM document_facts f
    JOIN v_reporting_documents d USING (document_id)
    JOIN dim_table t ON t.template = f.template AND t.table_no = f.table_no
    WHERE f.row_role = 'item' AND f.function_code IS NOT NULL
      AND (t.topic = 'expenditure' OR t.topic = 'overview' AND f.section = 'expense')
), coded AS (
    SELECT * FROM by_table b
    WHERE source_class = 'expenditure' OR NOT EXISTS (
        SELECT 1 FROM by_table e
        WHERE e.document_id = b.document_id AND e.source_class = 'expenditure'
    )
), items AS (
    SELECT * FROM coded c
    WHERE NOT EXISTS (
        SELECT 1 FROM coded lower
        WHERE lower.document_id = c.document_id AND lower.measure = c.measure
          AND length(lower.function_code) > length(c.function_code)
          AND starts_with(lower.function_code, c.function_code)
    )
), levels AS (
    SELECT document_id, fiscal_year, source_class, 1 AS level, function_code[:3] AS code,
           measure, amount
    FROM items
    UNION ALL
    SELECT document_id, fiscal_year, source_class, 2, function_code[:5], measure, amount
    FROM items WHERE length(function_code) >= 5
    UNION ALL
    SELECT document_id, fiscal_year, source_class, 3, function_code, measure, amount
    FROM items WHERE length(function_code) = 7
)
SELECT l.document_id, dep.department_name AS department, l.fiscal_year, d.scope, l.level,
       l.code AS function_code, c.name AS official_name,
       sum(l.amount) FILTER (WHERE l.measure = 'total') AS total,
       sum(l.amount) FILTER (WHERE l.measure = 'basic_expenditure') AS basic_expenditure,
       sum(l.amount) FILTER (WHERE l.measure = 'project_expenditure') AS project_expenditure,
       l.source_class
FROM levels l
JOIN dim_document d USING (document_id)
LEFT JOIN dim_department dep ON dep.department_id = d.department_id
LEFT JOIN dim_function_class c ON c.function_code = l.code
      AND c.year = code_list_year('function', l.code, l.fiscal_year)
GROUP BY ALL;

-- Basic expenditure (the general-budget basic table: 2020 表六) by economic code at the lowest
-- printed level, with its share of the document's basic total; counted documents only. Deriving the lowest level and
-- the shares over every document costs hundreds of milliseconds at 10,000 documents, so each
-- load stores the rows (mart_economic_structure) and v_economic_structure reads them.
CREATE VIEW economic_structure_rows AS
WITH coded AS (  -- a row's total; a block's own measure where blocks stand side by side (决算)
    SELECT f.* FROM document_facts f
    JOIN dim_table t ON t.template = f.template AND t.table_no = f.table_no
    WHERE t.topic = 'general_budget_basic' AND f.row_role = 'item'
      AND (f.measure = 'total' OR t.layout = 'blocks' AND f.measure IN ('personnel', 'public_use'))
      AND f.economic_code IS NOT NULL
), parents AS (  -- 类 codes whose 款 are printed too
    SELECT DISTINCT document_id, economic_code[:3] AS economic_code FROM coded
    WHERE length(economic_code) > 3
), items AS (
    SELECT c.* FROM coded c
    ANTI JOIN parents p ON p.document_id = c.document_id AND p.economic_code = c.economic_code
)
SELECT f.document_id, dep.department_name AS department, d.fiscal_year, d.scope,
       f.economic_code[:3] AS economic_class, cl.name AS class_name, f.economic_code,
       coalesce(c.name, f.row_label) AS name, f.amount,
       round(100 * f.amount / sum(f.amount) OVER (PARTITION BY f.document_id), 2) AS share_pct
FROM items f
JOIN v_reporting_documents d USING (document_id)
LEFT JOIN dim_department dep ON dep.department_id = d.department_id
LEFT JOIN dim_economic_class c ON c.economic_code = f.economic_code
      AND c.year = list_year('economic', d.fiscal_year)
LEFT JOIN dim_economic_class cl ON cl.economic_code = f.economic_code[:3]
      AND cl.year = list_year('economic', d.fiscal_year);

CREATE TABLE mart_economic_structure AS SELECT * FROM economic_structure_rows LIMIT 0;

CREATE VIEW v_economic_structure AS SELECT * FROM mart_economic_structure;

-- 三公 by department and year, with the change on last year: from last year's document where
-- the warehouse has it, else from last year's column the 三公 table prints beside this year's
-- (fact_other_period; of the document's own basis where it prints both), else from the change
-- the narrative states (marked as such).
CREATE VIEW v_three_public_change AS
WITH stated AS (
    SELECT document_id, change_wan FROM narrative_claim
    WHERE subject LIKE '%三公%经费%' AND change_wan IS NOT NULL
), printed AS (
    SELECT o.document_id,
           coalesce(sum(o.amount) FILTER (WHERE o.basis = CASE d.kind WHEN 'final_accounts'
                                                          THEN 'actual' ELSE 'budget' END),
                    sum(o.amount)) AS prior_total
    FROM fact_other_period o
    JOIN dim_document d USING (document_id)
    JOIN dim_table dt ON dt.template = o.template AND dt.table_no = o.table_no
    WHERE dt.topic = 'three_public' AND o.period = 'prior' AND o.measure = 'total'
      AND o.period_year = d.fiscal_year - 1 AND o.published_unit <> '%'
    GROUP BY o.document_id
), ordered AS (
    SELECT t.*, lag(t.total) OVER (PARTITION BY t.department ORDER BY t.fiscal_year)
                AS previous_total,
           lag(t.fiscal_year) OVER (PARTITION BY t.department ORDER BY t.fiscal_year)
                AS previous_year
    FROM v_three_public t
), prior AS (
    SELECT o.*,
           CASE WHEN o.previous_year = o.fiscal_year - 1 THEN o.previous_total
                WHEN p.prior_total IS NOT NULL THEN p.prior_total
                ELSE o.total - s.change_wan END AS prior_year_total,
           CASE WHEN o.previous_year = o.fiscal_year - 1 THEN 'previous document'
                WHEN p.prior_total IS NOT NULL THEN 'printed beside it'
                WHEN s.change_wan IS NOT NULL THEN 'derived from the narrative' END
               AS prior_year_source
    FROM ordered o
    LEFT JOIN printed p USING (document_id)
    LEFT JOIN stated s USING (document_id)
)
SELECT document_id, department, fiscal_year, scope, total, abroad, vehicle_total, reception,
       prior_year_total, prior_year_source, total - prior_year_total AS change
FROM prior;

-- How completely each document discloses (100 points; the items and weights are in the README).
CREATE VIEW v_disclosure_completeness AS
WITH tables AS (  -- 45 points for the tables, shared by as many tables as the family prints
    SELECT t.document_id,
           round(45.0 * count(*) FILTER (WHERE t.status IN ('data', 'empty_explained'))
                 / (SELECT count(*) FROM dim_table dt WHERE dt.template = any_value(t.template)),
                 1) AS tables_points
    FROM document_table t GROUP BY t.document_id
), projects AS (
    SELECT f.document_id, count(DISTINCT f.project_name) AS projects,
           count(DISTINCT p.project_name) AS projects_with_targets
    FROM document_facts f
    JOIN dim_table dt ON dt.template = f.template AND dt.table_no = f.table_no
    LEFT JOIN performance_project p
           ON p.document_id = f.document_id AND p.project_name = f.project_name
    WHERE dt.topic = 'project' AND f.project_name IS NOT NULL GROUP BY f.document_id
), topics AS (
    SELECT document_id,
           bool_or(topic = 'staffing') AS staffing, bool_or(topic = 'assets') AS assets,
           bool_or(topic = 'procurement') AS procurement
    FROM profile_fact GROUP BY document_id
), three_public AS (
    SELECT DISTINCT document_id, true AS explained FROM narrative_claim WHERE section LIKE '%三公%'
)
SELECT d.document_id, dep.department_name AS department, d.fiscal_year,
       coalesce(t.tables_points, 0) AS tables_points,
       CASE WHEN tp.explained THEN 10 ELSE 0 END AS three_public_points,
       CASE WHEN coalesce(p.projects, 0) = 0 THEN 15
            ELSE round(15.0 * p.projects_with_targets / p.projects, 1) END
           AS performance_target_points,
       CASE WHEN s.staffing THEN 10 ELSE 0 END AS staffing_points,
       CASE WHEN s.assets THEN 10 ELSE 0 END AS assets_points,
       CASE WHEN s.procurement THEN 10 ELSE 0 END AS procurement_points,
       coalesce(t.tables_points, 0) + three_public_points + performance_target_points
           + staffing_points + assets_points + procurement_points AS score
FROM dim_document d
LEFT JOIN tables t USING (document_id)
LEFT JOIN projects p USING (document_id)
LEFT JOIN topics s USING (document_id)
LEFT JOIN three_public tp USING (document_id)
LEFT JOIN dim_department dep ON dep.department_id = d.department_id;

-- How far each document can be trusted: failed checks by severity and rule family.
CREATE VIEW v_trust_summary AS
WITH verdicts AS (  -- counted per document first: millions of rows, then a join per document
    SELECT document_id,
           count(*) AS checks,
           count(*) FILTER (WHERE NOT passed AND severity = 'error') AS errors,
           count(*) FILTER (WHERE NOT passed AND severity = 'warning') AS warnings,
           count(*) FILTER (WHERE passed IS NULL) AS undecided,
           string_agg(DISTINCT rule_family, ', ' ORDER BY rule_family)
               FILTER (WHERE NOT passed AND severity = 'error') AS families_with_errors,
           count(*) FILTER (WHERE NOT passed AND severity = 'error'
                            AND rule_family IN ('balance', 'within_table_sums', 'cross_table'))
               AS table_errors
    FROM dq_result
    GROUP BY document_id
)
SELECT v.document_id, dep.department_name AS department, d.fiscal_year, v.checks, v.errors,
       v.warnings, v.undecided, v.families_with_errors,
       CASE WHEN v.errors = 0 THEN 'high' WHEN v.table_errors = 0 THEN 'medium' ELSE 'low' END
           AS trust
FROM verdicts v
JOIN dim_document d ON d.document_id = v.document_id
LEFT JOIN dim_department dep ON dep.department_id = d.department_id;

-- ---- build bookkeeping: what the last build loaded, so the next loads only what changed -------

CREATE TABLE build_state (
    key   VARCHAR PRIMARY KEY,            -- schema_version: the DDL and load statements built under
    value VARCHAR NOT NULL
);

CREATE TABLE build_document (
    document_id VARCHAR PRIMARY KEY,      -- a loaded document
    input_key   VARCHAR NOT NULL          -- the key of everything its checks read
);
