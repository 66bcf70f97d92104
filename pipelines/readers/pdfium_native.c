/* A PDF page's characters and ruling lines from PDFium, in one call per page.

   The same arithmetic as `pdfium_objects._chars` and `pdfium_objects._lines`, operation for
   operation (compiled with -ffp-contract=off, so no fused multiply-add changes a last bit),
   with Python's round(x, 3) done exactly: PDFium's per-character calls made from Python cost
   most of a page's reading, and here they cost what PDFium's own work costs.

   PDFium's functions are not linked: the reader passes the addresses of those pypdfium2 has
   loaded, so the handles it holds are the ones this code calls with. */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct { float a, b, c, d, e, f; } Matrix32;
typedef struct { float left, top, right, bottom; } RectF;
typedef struct { double a, b, c, d, e, f; } Matrix;

typedef struct {
    int (*count_chars)(void *);
    unsigned int (*get_unicode)(void *, int);
    int (*is_generated)(void *, int);
    void *(*get_text_object)(void *, int);
    void *(*text_object_font)(void *);
    int (*font_descent)(void *, float, float *);
    int (*get_matrix)(void *, int, Matrix32 *);
    double (*get_font_size)(void *, int);
    int (*get_char_box)(void *, int, double *, double *, double *, double *);
    int (*get_loose_char_box)(void *, int, RectF *);
    int (*get_char_origin)(void *, int, double *, double *);
    int (*count_objects)(void *);
    void *(*get_object)(void *, int);
    int (*object_type)(void *);
    int (*form_count_objects)(void *);
    void *(*form_get_object)(void *, unsigned long);
    int (*object_matrix)(void *, Matrix32 *);
    int (*path_draw_mode)(void *, int *, int *);
    int (*path_count_segments)(void *);
    void *(*path_segment)(void *, int);
    int (*segment_point)(void *, float *, float *);
    int (*segment_type)(void *);
    int (*segment_close)(void *);
} Api;

static Api api;

const char *gk_source_hash(void) { return SOURCE_HASH; }

void gk_init(void **functions) {
    void **slot = (void **)&api;
    for (size_t i = 0; i < sizeof(Api) / sizeof(void *); i++) slot[i] = functions[i];
}

/* Python's round(x, 3): the double nearest the decimal x is nearest to with three places,
   exact ties to even. x * 1000 is split into its rounded product and the exact error. */
static double round3(double x) {
    double product = x * 1000.0;
    double error = fma(x, 1000.0, -product);
    double whole = floor(product);
    double part = product - whole;
    int up = part > 0.5 || (part == 0.5 && (error > 0 || (error == 0 && fmod(whole, 2.0) != 0)));
    double rounded = (whole + up) / 1000.0;
    return rounded == 0 ? copysign(0.0, x) : rounded;
}

/* round3, for its test against Python's round. */
double gk_round3(double x) { return round3(x); }

/* Python's float % for a positive modulus. */
static double py_mod(double x, double modulus) {
    double mod = fmod(x, modulus);
    if (mod != 0) {
        if (mod < 0) mod += modulus;
    } else {
        mod = copysign(0.0, modulus);
    }
    return mod;
}

/* Python's round(x) to an integer: halves to even. */
static double py_round(double x) {
    double whole = floor(x);
    double part = x - whole;
    if (part > 0.5 || (part == 0.5 && fmod(whole, 2.0) != 0)) return whole + 1;
    return whole;
}

typedef struct { uintptr_t key; double size, angle, descent; int used; } Style;
typedef struct { uintptr_t key; double descent; int used; } Descent;

static size_t slot_of(uintptr_t key, size_t mask) { return (size_t)((key >> 4) * 2654435761u) & mask; }

static double font_descent(void *text_page, int index, Descent *fonts, size_t mask) {
    void *font = api.text_object_font(api.get_text_object(text_page, index));
    uintptr_t key = (uintptr_t)font;
    size_t slot = slot_of(key, mask);
    while (fonts[slot].used && fonts[slot].key != key) slot = (slot + 1) & mask;
    if (!fonts[slot].used) {
        float descent = 0;
        int found = api.font_descent(font, 1.0f, &descent);
        fonts[slot].used = 1;
        fonts[slot].key = key;
        fonts[slot].descent = found ? (double)descent : 0.0;
    }
    return fonts[slot].descent;
}

/* A page's reading: its matrix and origin buffers outlive a failed call, as the Python
   reader's do. */
typedef struct {
    void *text_page;
    Matrix32 matrix;
    double origin_x, origin_y;
} Reading;

static void size_and_angle(Reading *reading, int index, double *size, double *angle) {
    void *text_page = reading->text_page;
    Matrix32 *m = &reading->matrix;
    api.get_matrix(text_page, index, m);
    *size = api.get_font_size(text_page, index) * hypot((double)m->c, (double)m->d);
    *angle = py_mod(atan2((double)m->b, (double)m->a), 2 * M_PI);
}

static int glyph(void *text_page, int index, double box[4]) {
    double left = 0, right = 0, low = 0, high = 0;
    if (!api.get_char_box(text_page, index, &left, &right, &low, &high)) return 0;
    box[0] = left, box[1] = low, box[2] = right, box[3] = high;
    return 1;
}

/* A character's box in user space: `_CharReader.box`. */
static int char_box(Reading *reading, int index, double size, double angle, double descent,
                    double box[4]) {
    void *text_page = reading->text_page;
    const double quarter_turn = M_PI / 2;
    double quarter = py_round(angle / quarter_turn);
    if (fabs(angle - quarter * quarter_turn) > 0.01) return glyph(text_page, index, box);
    RectF loose;
    if (!api.get_loose_char_box(text_page, index, &loose)) return 0;
    int along_x = fmod(quarter, 2.0) == 0;
    double first = along_x ? loose.left : loose.bottom, second = along_x ? loose.right : loose.top;
    double low = first <= second ? first : second, high = first <= second ? second : first;
    if (high - low < 1e-3) {
        double extent[4];
        if (!glyph(text_page, index, extent)) return 0;
        low = along_x ? extent[0] : extent[1];
        high = along_x ? extent[2] : extent[3];
    }
    api.get_char_origin(text_page, index, &reading->origin_x, &reading->origin_y);
    double x = reading->origin_x, y = reading->origin_y;
    double below = descent * size;
    double above = below + size;
    int turn = (int)fmod(quarter, 4.0);
    if (turn == 0) box[0] = low, box[1] = y + below, box[2] = high, box[3] = y + above;
    else if (turn == 1) box[0] = x - above, box[1] = low, box[2] = x - below, box[3] = high;
    else if (turn == 2) box[0] = low, box[1] = y - above, box[2] = high, box[3] = y - below;
    else box[0] = x + below, box[1] = low, box[2] = x + above, box[3] = high;
    return 1;
}

typedef struct {
    Matrix ctm;
    double left_edge, top_edge, height, right_edge, bottom_edge;
} Placement;

static void place(const Placement *p, double x, double y, double *px, double *py) {
    *px = round3(p->ctm.a * x + p->ctm.c * y + p->ctm.e + p->left_edge);
    *py = round3(p->height - (p->ctm.b * x + p->ctm.d * y + p->ctm.f) + p->top_edge);
}

/* `_inside`: wholly within the page, and not a point. */
static int within(const Placement *p, double x0, double top, double x1, double bottom) {
    return p->left_edge <= x0 && x1 <= p->right_edge && p->top_edge <= top &&
           bottom <= p->bottom_edge && (x1 - x0) + (bottom - top) > 0;
}

/* The page's printed characters, 7 numbers each (code, x0, top, x1, bottom, size, upright),
   into `out`, which holds count_chars of them; returns how many were written. `placement` is
   the page's ctm, then its box (left, top, right, bottom) and height; `rotation` in degrees;
   `only_within` keeps characters wholly within the page's box. */
int gk_chars(void *text_page, const double *placement, double rotation, int only_within,
             double *out) {
    Placement p = {{placement[0], placement[1], placement[2], placement[3], placement[4],
                    placement[5]},
                   placement[6], placement[7], placement[10], placement[8], placement[9]};
    int count = api.count_chars(text_page);
    if (count <= 0) return 0;
    size_t mask = 1;
    while (mask < (size_t)count * 2) mask <<= 1;
    Style *styles = calloc(mask, sizeof(Style));
    Descent *fonts = calloc(mask, sizeof(Descent));
    if (!styles || !fonts) {
        free(styles);
        free(fonts);
        return -1;
    }
    mask -= 1;
    Reading reading = {text_page, {0, 0, 0, 0, 0, 0}, 0, 0};
    double turned = rotation * (M_PI / 180.0);
    const double tau = 2 * M_PI;
    int written = 0;
    for (int index = 0; index < count; index++) {
        unsigned int code = api.get_unicode(text_page, index);
        if (code == 0 || code == 0xFFFE || code == 0xFFFF) continue;
        if (code <= 0x20 && api.is_generated(text_page, index) == 1) continue;
        double size, angle, descent;
        uintptr_t key = (uintptr_t)api.get_text_object(text_page, index);
        Style *style = NULL;
        if (key) {
            size_t slot = slot_of(key, mask);
            while (styles[slot].used && styles[slot].key != key) slot = (slot + 1) & mask;
            style = &styles[slot];
        }
        if (style && style->used) {
            size = style->size, angle = style->angle, descent = style->descent;
        } else {
            size_and_angle(&reading, index, &size, &angle);
            descent = font_descent(text_page, index, fonts, mask);
            if (style) {
                style->used = 1;
                style->key = key;
                style->size = size, style->angle = angle, style->descent = descent;
            }
        }
        double box[4];
        if (!char_box(&reading, index, size, angle, descent, box)) continue;
        double ax, ay, bx, by;
        place(&p, box[0], box[1], &ax, &ay);
        place(&p, box[2], box[3], &bx, &by);
        double x0 = ax <= bx ? ax : bx, x1 = ax <= bx ? bx : ax;
        double top = ay <= by ? ay : by, bottom = ay <= by ? by : ay;
        if (only_within && !within(&p, x0, top, x1, bottom)) continue;
        double shown = py_mod(angle - turned, tau);
        double *row = out + (size_t)written * 7;
        row[0] = code, row[1] = x0, row[2] = top, row[3] = x1, row[4] = bottom, row[5] = size;
        row[6] = (shown <= tau - shown ? shown : tau - shown) < 0.01;
        written++;
    }
    free(styles);
    free(fonts);
    return written;
}

static Matrix compose(Matrix inner, Matrix outer) {
    Matrix m = {
        inner.a * outer.a + inner.b * outer.c,
        inner.a * outer.b + inner.b * outer.d,
        inner.c * outer.a + inner.d * outer.c,
        inner.c * outer.b + inner.d * outer.d,
        inner.e * outer.a + inner.f * outer.c + outer.e,
        inner.e * outer.b + inner.f * outer.d + outer.f,
    };
    return m;
}

static Matrix object_matrix(void *object) {
    Matrix32 m;
    Matrix identity = {1, 0, 0, 1, 0, 0};
    if (!api.object_matrix(object, &m)) return identity;
    Matrix wide = {m.a, m.b, m.c, m.d, m.e, m.f};
    return wide;
}

typedef struct {
    const Placement *placement;
    int only_within;
    double *out;
    int capacity, found;
} Lines;

/* `_lines`'s test for one segment, then its start and end on the page into `out`. */
static void add_line(Lines *lines, double sx, double sy, double ex, double ey) {
    if (sx != ex && sy != ey) return;
    double x0 = sx <= ex ? sx : ex, x1 = sx <= ex ? ex : sx;
    double top = sy <= ey ? sy : ey, bottom = sy <= ey ? ey : sy;
    if (lines->only_within && !within(lines->placement, x0, top, x1, bottom)) return;
    if (lines->found < lines->capacity) {
        double *row = lines->out + (size_t)lines->found * 4;
        row[0] = sx, row[1] = sy, row[2] = ex, row[3] = ey;
    }
    lines->found++;
}

/* `_segments` of one painted path. */
static void path_lines(Lines *lines, void *path, Matrix m) {
    float fx = 0, fy = 0;
    int have_start = 0, have_current = 0;
    double start_user[2] = {0, 0}, start_page[2] = {0, 0}, current_page[2] = {0, 0};
    int count = api.path_count_segments(path);
    for (int index = 0; index < count; index++) {
        void *segment = api.path_segment(path, index);
        api.segment_point(segment, &fx, &fy);
        double x = fx, y = fy;
        double ux = m.a * x + m.c * y + m.e, uy = m.b * x + m.d * y + m.f;
        double px, py;
        place(lines->placement, ux, uy, &px, &py);
        int kind = api.segment_type(segment);
        if (kind == 2) { /* FPDF_SEGMENT_MOVETO */
            have_start = have_current = 1;
            start_user[0] = ux, start_user[1] = uy;
            start_page[0] = px, start_page[1] = py;
            current_page[0] = px, current_page[1] = py;
        } else {
            if (kind == 0 && have_current) /* FPDF_SEGMENT_LINETO */
                add_line(lines, current_page[0], current_page[1], px, py);
            have_current = 1;
            current_page[0] = px, current_page[1] = py;
        }
        if (api.segment_close(segment) && have_start &&
            (start_user[0] != ux || start_user[1] != uy)) {
            add_line(lines, current_page[0], current_page[1], start_page[0], start_page[1]);
            current_page[0] = start_page[0], current_page[1] = start_page[1];
        }
    }
}

static void object_lines(Lines *lines, void *container, int form, Matrix m, int depth) {
    int count = form ? api.form_count_objects(container) : api.count_objects(container);
    for (int index = 0; index < count; index++) {
        void *object = form ? api.form_get_object(container, (unsigned long)index)
                            : api.get_object(container, index);
        int kind = api.object_type(object);
        if (kind == 2) { /* FPDF_PAGEOBJ_PATH */
            int fill = 0, stroke = 0;
            if (api.path_draw_mode(object, &fill, &stroke) && !fill && !stroke) continue;
            path_lines(lines, object, compose(object_matrix(object), m));
        } else if (kind == 5 && depth < 8) { /* FPDF_PAGEOBJ_FORM */
            object_lines(lines, object, 1, compose(object_matrix(object), m), depth + 1);
        }
    }
}

/* The page's ruling segments, 4 numbers each (start x, start top, end x, end top), into `out`
   of `capacity` segments; returns how many there are, more than `capacity` when they did not
   all fit (the caller asks again with room for them). */
int gk_lines(void *page, const double *placement, int only_within, double *out, int capacity) {
    Placement p = {{placement[0], placement[1], placement[2], placement[3], placement[4],
                    placement[5]},
                   placement[6], placement[7], placement[10], placement[8], placement[9]};
    Lines lines = {&p, only_within, out, capacity, 0};
    Matrix identity = {1, 0, 0, 1, 0, 0};
    object_lines(&lines, page, 0, identity, 0);
    return lines.found;
}
