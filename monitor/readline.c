/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Line editing for the human monitor. The whole line is redrawn after
 * each edit (carriage return, prompt, text, erase to end of line, cursor
 * back): a few bytes more than minimal updates, but always right.
 */
#include "monitor/readline.h"

#define HISTORY_MAX 64
#define LINE_MAX_LEN 4096

enum { ST_NORM, ST_ESC, ST_CSI, ST_SS3 };

struct ReadLineState {
    bool echo;
    ReadLineOutFunc *out;
    ReadLineDoneFunc *done;
    void *opaque;
    char *prompt;
    GString *line;
    size_t pos;                 /* cursor, bytes from the start */
    int esc_state;
    int esc_param;
    bool last_cr;               /* swallow the \n of a \r\n pair */
    GPtrArray *history;         /* char*, oldest first */
    int hist_idx;               /* browsing: index, or -1 */
    char *saved;                /* the edited line while browsing */
};

ReadLineState *readline_new(bool echo, ReadLineOutFunc *out,
                            ReadLineDoneFunc *done, void *opaque)
{
    ReadLineState *rs = g_new0(ReadLineState, 1);

    rs->echo = echo;
    rs->out = out;
    rs->done = done;
    rs->opaque = opaque;
    rs->prompt = g_strdup("");
    rs->line = g_string_new(NULL);
    rs->history = g_ptr_array_new_with_free_func(g_free);
    rs->hist_idx = -1;
    return rs;
}

void readline_free(ReadLineState *rs)
{
    if (rs) {
        g_free(rs->prompt);
        g_free(rs->saved);
        g_string_free(rs->line, true);
        g_ptr_array_free(rs->history, true);
        g_free(rs);
    }
}

static void redraw(ReadLineState *rs)
{
    g_autoptr(GString) s = g_string_new("\r");

    if (!rs->echo) {
        return;
    }
    g_string_append(s, rs->prompt);
    g_string_append_len(s, rs->line->str, rs->line->len);
    g_string_append(s, "\033[K");
    if (rs->pos < rs->line->len) {
        g_string_append_printf(s, "\033[%zuD", rs->line->len - rs->pos);
    }
    rs->out(rs->opaque, s->str);
}

void readline_start(ReadLineState *rs, const char *prompt)
{
    g_free(rs->prompt);
    rs->prompt = g_strdup(prompt);
    g_string_truncate(rs->line, 0);
    rs->pos = 0;
    rs->hist_idx = -1;
    rs->out(rs->opaque, prompt);
}

const char *readline_get_history(ReadLineState *rs, unsigned index)
{
    return index < rs->history->len ? rs->history->pdata[index] : NULL;
}

static void add_history(ReadLineState *rs, const char *line)
{
    if (!*line) {
        return;
    }
    /* A repeated command moves to the end instead of appearing twice. */
    for (guint i = 0; i < rs->history->len; i++) {
        if (!strcmp(rs->history->pdata[i], line)) {
            g_ptr_array_remove_index(rs->history, i);
            break;
        }
    }
    if (rs->history->len >= HISTORY_MAX) {
        g_ptr_array_remove_index(rs->history, 0);
    }
    g_ptr_array_add(rs->history, g_strdup(line));
}

static void finish_line(ReadLineState *rs)
{
    g_autofree char *line = g_strndup(rs->line->str, rs->line->len);

    if (rs->echo) {
        rs->out(rs->opaque, "\n");     /* the monitor sends \r\n */
    }
    add_history(rs, line);
    g_string_truncate(rs->line, 0);
    rs->pos = 0;
    rs->hist_idx = -1;
    g_clear_pointer(&rs->saved, g_free);
    rs->done(rs->opaque, line);
}

static void history_move(ReadLineState *rs, int dir)
{
    int n = rs->history->len;
    int idx = rs->hist_idx;

    if (idx < 0) {
        if (dir > 0 || n == 0) {
            return;
        }
        g_free(rs->saved);
        rs->saved = g_strndup(rs->line->str, rs->line->len);
        idx = n - 1;
    } else {
        idx += dir;
        if (idx < 0) {
            return;
        }
    }
    g_string_truncate(rs->line, 0);
    if (idx >= n) {
        idx = -1;
        g_string_append(rs->line, rs->saved ? rs->saved : "");
    } else {
        g_string_append(rs->line, rs->history->pdata[idx]);
    }
    rs->hist_idx = idx;
    rs->pos = rs->line->len;
    redraw(rs);
}

static void handle_csi(ReadLineState *rs, int ch)
{
    switch (ch) {
    case 'A':
        history_move(rs, -1);
        return;
    case 'B':
        history_move(rs, 1);
        return;
    case 'C':
        if (rs->pos < rs->line->len) {
            rs->pos++;
        }
        break;
    case 'D':
        if (rs->pos > 0) {
            rs->pos--;
        }
        break;
    case 'H':
        rs->pos = 0;
        break;
    case 'F':
        rs->pos = rs->line->len;
        break;
    case '~':
        if (rs->esc_param == 1 || rs->esc_param == 7) {
            rs->pos = 0;
        } else if (rs->esc_param == 4 || rs->esc_param == 8) {
            rs->pos = rs->line->len;
        } else if (rs->esc_param == 3 && rs->pos < rs->line->len) {
            g_string_erase(rs->line, rs->pos, 1);
        }
        break;
    default:
        return;
    }
    redraw(rs);
}

void readline_handle_byte(ReadLineState *rs, int ch)
{
    if (!rs->echo) {
        /* Plain lines: \n ends a line, \r before it is dropped. */
        if (ch == '\n' || (ch == '\r')) {
            if (ch == '\n' && rs->last_cr) {
                rs->last_cr = false;
                return;
            }
            rs->last_cr = ch == '\r';
            finish_line(rs);
        } else if (ch && rs->line->len < LINE_MAX_LEN) {
            rs->last_cr = false;
            g_string_append_c(rs->line, ch);
        }
        return;
    }

    switch (rs->esc_state) {
    case ST_ESC:
        rs->esc_state = ch == '[' ? ST_CSI : ch == 'O' ? ST_SS3 : ST_NORM;
        rs->esc_param = 0;
        return;
    case ST_CSI:
        if (ch >= '0' && ch <= '9') {
            rs->esc_param = rs->esc_param * 10 + (ch - '0');
            return;
        }
        rs->esc_state = ST_NORM;
        handle_csi(rs, ch);
        return;
    case ST_SS3:
        rs->esc_state = ST_NORM;
        handle_csi(rs, ch);
        return;
    }

    if (ch == '\n' && rs->last_cr) {
        rs->last_cr = false;
        return;
    }
    rs->last_cr = ch == '\r';
    switch (ch) {
    case '\r':
    case '\n':
        finish_line(rs);
        return;
    case 27:
        rs->esc_state = ST_ESC;
        return;
    case 1:     /* Ctrl-a */
        rs->pos = 0;
        break;
    case 5:     /* Ctrl-e */
        rs->pos = rs->line->len;
        break;
    case 2:     /* Ctrl-b */
        if (rs->pos > 0) {
            rs->pos--;
        }
        break;
    case 6:     /* Ctrl-f */
        if (rs->pos < rs->line->len) {
            rs->pos++;
        }
        break;
    case 4:     /* Ctrl-d: delete under the cursor */
        if (rs->pos < rs->line->len) {
            g_string_erase(rs->line, rs->pos, 1);
        }
        break;
    case 11:    /* Ctrl-k: kill to the end */
        g_string_truncate(rs->line, rs->pos);
        break;
    case 21:    /* Ctrl-u: kill to the start */
        g_string_erase(rs->line, 0, rs->pos);
        rs->pos = 0;
        break;
    case 8:
    case 127:
        if (rs->pos > 0) {
            g_string_erase(rs->line, --rs->pos, 1);
        }
        break;
    default:
        if (ch < 32 || rs->line->len >= LINE_MAX_LEN) {
            return;
        }
        g_string_insert_c(rs->line, rs->pos++, ch);
        break;
    }
    redraw(rs);
}
