// json: the fixture's event log, one flat JSON object per line.
#ifndef FIXTURE_JSON_H
#define FIXTURE_JSON_H

#include <stdio.h>

/// One log line being built. Lines are assembled in memory and written with a single fwrite, so a
/// reader polling the log never sees half an object.
typedef struct {
    char *buf;
    size_t len;
    size_t cap;
} json_line;

/// Starts a line: `{"event":"<name>"`.
void json_begin(json_line *line, const char *event);

/// Appends `,"key":<value>` in decimal.
void json_int(json_line *line, const char *key, long long value);

/// Appends `,"key":<value>` in decimal (window ids and keysyms are unsigned).
void json_uint(json_line *line, const char *key, unsigned long long value);

/// Appends `,"key":"<value>"`; value is UTF-8, escaped as JSON requires (quote, backslash, and
/// control characters as \u00XX); other bytes pass through unchanged.
void json_str(json_line *line, const char *key, const char *value);

/// Closes the object, writes it with a newline to out and flushes, so tests see each event as soon
/// as it happens. The line is reset for reuse. Write errors are ignored: a vanished reader must not
/// stop the app.
void json_emit(json_line *line, FILE *out);

#endif
