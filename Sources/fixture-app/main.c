// fixture-app: the X11 program foredesk's tests drive. It shows a fixed, known layout and reports
// every input event it receives as a JSON line, so a test can check that what the engine injected
// is exactly what an application sees.
//
// Tests depend on everything in this block; change it only together with them.
//
// USAGE
//   fixture-app [--title TEXT] [--events FILE] [--geometry WxH+X+Y] [--no-focus] [--motion]
//               [--move-ok DX,DY]
//   --title TEXT       window title (WM_NAME and _NET_WM_NAME), default "foredesk fixture"
//   --events FILE      write the event log to FILE (truncated) instead of stdout; stdout stays quiet
//   --geometry G       XParseGeometry syntax, default 640x400+40+40 (negative X/Y count from the
//                      right/bottom screen edge)
//   --no-focus         do not take the input focus before reporting ready, and ask the window
//                      manager not to give it either (WM_HINTS input=False)
//   --motion           also select and report pointer motion
//   --move-ok DX,DY    draw the OK button moved by (DX,DY) pixels in the window (whole numbers, either
//                      sign), as a changed version of the app would; it is still target "ok" in
//                      the event log, wherever it is (tests replay a recording against it)
//   Options also take the form --title=TEXT. --help prints this usage on stdout and exits 0.
//   A bad option or value prints the usage on stderr and exits 2. No display: one line
//   "fixture-app: cannot open display NAME" on stderr, exit 1 (likewise when FILE cannot be opened).
//
// LOCALE AND TEXT
//   setlocale(LC_ALL, ""); if the codeset is not UTF-8, LC_CTYPE becomes C.UTF-8. The built-in
//   input method (XSetLocaleModifiers("@im=none"), falling back to "") with an XIC of style
//   XIMPreeditNothing|XIMStatusNothing turns key presses into UTF-8 with Xutf8LookupString, for any
//   keysym: Latin-1, legacy ones like EuroSign or Greek_alpha, Unicode keysyms (0x01000000+cp).
//   Key events are never passed through XFilterEvent, so there is no Compose or dead-key
//   processing: each KeyPress reports the text of that one key (a dead key reports empty text).
//   Without an input method the text is XLookupString's when that is ASCII (control characters
//   included) or the locale is UTF-8, else it comes from a built-in keysym table (Latin-1,
//   Unicode keysyms, EuroSign).
//   MappingNotify calls XRefreshKeyboardMapping at once (in XKB mode this fetches the changed keys
//   right away), so a key rebound just before it is pressed translates with its new keysym. The
//   map is read when the app handles the MappingNotify, not when the server sent it: an injector
//   must keep a temporary binding in place until the app has seen the key (a 1 ms pause per
//   rebinding sufficed on Xvfb; with none, nearly every character comes out wrong). Key releases
//   sent after the binding was reverted report the reverted keysym (xdotool's give 0).
//
// WINDOW
//   One top-level InputOutput window, default visual, no border. WM_NAME and _NET_WM_NAME
//   (UTF8_STRING) = title; WM_CLASS = ("fixture-app", "ForedeskFixture"); _NET_WM_PID = getpid()
//   (with WM_CLIENT_MACHINE); WM_PROTOCOLS = WM_DELETE_WINDOW; WM_HINTS input=True (False with --no-focus), NormalState;
//   WM_NORMAL_HINTS USPosition|PPosition|USSize|PSize, min = max = the size (a window manager keeps
//   it 640x400), win_gravity StaticGravity (a window manager puts the client area itself at X,Y,
//   decorations outside it). Selected: KeyPress, KeyRelease, ButtonPress, ButtonRelease,
//   FocusChange, Exposure, StructureNotify, and PointerMotion with --motion.
//
// LAYOUT (window coordinates of the client area, rects as x,y,width,height; exact 24-bit colours)
//   background                  #d0d0d0 everywhere not listed below
//   target "ok"                 (20,20,120,40)   #3070c0, label "OK" in white (4 px clear of the edges);
//                               with --move-ok DX,DY at (20+DX,20+DY,120,40), drawn after the other
//                               targets and hit-tested first, so it stays whole and "ok" where it lies
//   target "cancel"             (160,20,120,40)  #c04040, label "Cancel" in white
//   target "text"               (20,90,600,40)   #ffffff with a 1-px black border; shows the typed
//                               text in a core "fixed" font (characters it cannot index as '?';
//                               the end of a long text stays visible). A key press whose text is
//                               printable appends it; BackSpace deletes the last character;
//                               Return/KP_Enter clears.
//   target "canvas"             (20,200,430,80): red #ff0000 (20,200,100,80), green #00ff00
//                               (130,200,100,80), blue #0000ff (240,200,100,80), yellow #ffff00
//                               (350,200,100,80); the 10-px gaps between blocks are background
//                               but still target "canvas"
//   status line                 black ASCII text describing the last event, drawn only inside
//                               (20,330,600,40)
//   The window is drawn completely before "ready" is reported, and again on every Expose.
//
// EVENT LOG: one JSON object per line, flushed after each line; keys are lower_snake_case; strings
// escape '"', '\\' and characters below 0x20 (as \u00XX); other UTF-8 passes through.
//   {"event":"ready","window":W,"pid":P,"x":X,"y":Y,"width":640,"height":400}
//       always the first line: written once the window is viewable, after (unless --no-focus)
//       XSetInputFocus(dpy, win, RevertToParent, CurrentTime) and XSync. x, y: root position of
//       the client area (XTranslateCoordinates); width, height: its actual size. Input events that
//       arrive before it are not reported.
//   {"event":"configure","x":X,"y":Y,"width":W,"height":H}
//       after ready, whenever a ConfigureNotify or ReparentNotify leaves the root position or the
//       size different from the last one reported.
//   {"event":"button_press","button":N,"x":X,"y":Y,"root_x":RX,"root_y":RY,"state":S,"target":T}
//   {"event":"button_release", same keys}
//       N as the server reports it: 1-3 buttons, 4/5 vertical wheel, 6/7 horizontal wheel, 8+ others.
//       x, y in window coordinates; state = the event's modifier/button mask before the event;
//       target "ok", "cancel", "text", "canvas" or "none" by the rects above.
//   {"event":"key_press","keycode":K,"keysym":S,"name":N,"text":T,"state":M}
//       S = keysym after modifiers, from Xutf8LookupString (from XLookupString when that gives no
//       keysym); N = XKeysymToString(S), "" for NoSymbol; T = the UTF-8 text, possibly "".
//   {"event":"key_release","keycode":K,"keysym":S,"name":N,"state":M}
//       S = the keysym XLookupString gives for the release (modifiers applied, as for the press).
//   {"event":"focus_in"} / {"event":"focus_out"}
//       FocusIn/FocusOut of any mode and detail except NotifyPointer.
//   {"event":"motion","x":X,"y":Y}
//       only with --motion; window coordinates.
//   {"event":"closed"}
//       last line, on WM_DELETE_WINDOW, SIGTERM, SIGINT, or when another client destroys the
//       window; the app then exits 0.
// X protocol errors are reported on stderr and otherwise ignored; losing the display connection
// ends the app through Xlib's default handler (exit 1, no "closed").

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/keysym.h>

#include "json.h"
#include "keys.h"
#include "ui.h"

static const char usage_text[] =
    "usage: fixture-app [--title TEXT] [--events FILE] [--geometry WxH+X+Y] [--no-focus] [--motion]\n"
    "                   [--move-ok DX,DY]\n";

typedef struct {
    const char *title;
    const char *events_path;
    int x, y, geometry_mask;  // XParseGeometry results; negative x/y are resolved once the screen is known.
    unsigned int width, height;
    int focus;
    int motion;
} options;

typedef struct {
    Display *dpy;
    Window root, win;
    Atom wm_protocols, wm_delete_window;
    FILE *log;
    json_line line;
    keys_input keys;
    ui ui;
    options opt;
    int mapped;     // MapNotify seen: from now on, wait for the window to become viewable.
    int ready;      // "ready" written: input events are reported from now on.
    int quit;       // Leave the event loop and write "closed".
    int destroyed;  // Someone else destroyed the window; do not touch it on the way out.
    int x, y, width, height;  // Geometry last reported (root coordinates).
} app;

// Set by the signal handler; the self-pipe wakes the poll() the event loop sleeps in.
static volatile sig_atomic_t got_signal = 0;
static int signal_pipe[2] = {-1, -1};

static void on_signal(int sig) {
    (void)sig;
    int saved = errno;
    got_signal = 1;
    ssize_t ignored = write(signal_pipe[1], "x", 1);
    (void)ignored;
    errno = saved;
}

// Xlib's default error handler exits; a fixture must survive races such as focusing a window a
// window manager just unmapped. The last error code lets try_ready notice a failed focus.
static int last_x_error = 0;

static int on_x_error(Display *dpy, XErrorEvent *e) {
    char text[160];
    XGetErrorText(dpy, e->error_code, text, sizeof text);
    fprintf(stderr, "fixture-app: X error %s (request %d.%d, resource 0x%lx)\n", text, e->request_code,
            e->minor_code, e->resourceid);
    last_x_error = e->error_code;
    return 0;
}

static void usage_exit(const char *problem, const char *arg) {
    if (problem) fprintf(stderr, "fixture-app: %s%s%s\n", problem, arg ? ": " : "", arg ? arg : "");
    fputs(usage_text, stderr);
    exit(2);
}

// Matches "--name VALUE" and "--name=VALUE"; returns the value, or NULL when argv[*i] is another option.
static const char *option_value(int argc, char **argv, int *i, const char *name) {
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) return NULL;
    if (argv[*i][n] == '=') return argv[*i] + n + 1;
    if (argv[*i][n] != '\0') return NULL;
    if (*i + 1 >= argc) usage_exit("missing value for", name);
    return argv[++*i];
}

static options parse_options(int argc, char **argv) {
    options opt = {.title = "foredesk fixture", .x = 40, .y = 40, .width = 640, .height = 400, .focus = 1};
    for (int i = 1; i < argc; i++) {
        const char *v;
        if ((v = option_value(argc, argv, &i, "--title"))) opt.title = v;
        else if ((v = option_value(argc, argv, &i, "--events"))) opt.events_path = v;
        else if ((v = option_value(argc, argv, &i, "--geometry"))) {
            opt.geometry_mask = XParseGeometry(v, &opt.x, &opt.y, &opt.width, &opt.height);
            if (opt.geometry_mask == NoValue || opt.width == 0 || opt.height == 0 || opt.width > 32767 ||
                opt.height > 32767)
                usage_exit("bad geometry", v);
        }
        else if ((v = option_value(argc, argv, &i, "--move-ok"))) {
            int dx, dy;
            char end;
            if (sscanf(v, "%d,%d%c", &dx, &dy, &end) != 2 || dx < -10000 || dx > 10000 || dy < -10000 || dy > 10000)
                usage_exit("bad --move-ok (expected DX,DY such as 300,0)", v);
            ui_move_ok(dx, dy);
        }
        else if (!strcmp(argv[i], "--no-focus")) opt.focus = 0;
        else if (!strcmp(argv[i], "--motion")) opt.motion = 1;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_text, stdout);
            exit(0);
        } else usage_exit("unknown option", argv[i]);
    }
    return opt;
}

// Text lookup needs a UTF-8 LC_CTYPE (tests often run with LANG unset, i.e. "C") and the built-in
// input method rather than whatever XMODIFIERS names, so results do not depend on the session.
static void setup_locale(void) {
    setlocale(LC_ALL, "");
    const char *codeset = nl_langinfo(CODESET);
    if (strcasecmp(codeset, "UTF-8") != 0 && strcasecmp(codeset, "utf8") != 0)
        if (!setlocale(LC_CTYPE, "C.UTF-8") && !setlocale(LC_CTYPE, "en_US.UTF-8"))
            fputs("fixture-app: no UTF-8 locale, text may be wrong\n", stderr);
    if (!XSupportsLocale()) fputs("fixture-app: Xlib does not support the locale\n", stderr);
    if (!XSetLocaleModifiers("@im=none")) XSetLocaleModifiers("");
}

static void set_properties(app *a, int argc, char **argv, int x, int y, int width, int height) {
    XSizeHints *size = XAllocSizeHints();
    size->flags = USPosition | PPosition | USSize | PSize | PMinSize | PMaxSize | PWinGravity;
    size->x = x;
    size->y = y;
    size->width = size->min_width = size->max_width = width;
    size->height = size->min_height = size->max_height = height;
    size->win_gravity = StaticGravity;

    XWMHints *wm = XAllocWMHints();
    wm->flags = InputHint | StateHint;
    // --no-focus: a window that does not want the keyboard, so a window manager does not focus it
    // either (a window that covers another without taking the focus, for the gate's tests).
    wm->input = a->opt.focus ? True : False;
    wm->initial_state = NormalState;

    XClassHint *cls = XAllocClassHint();
    cls->res_name = "fixture-app";
    cls->res_class = "ForedeskFixture";

    // Also sets WM_CLIENT_MACHINE, which gives _NET_WM_PID its meaning, and WM_COMMAND.
    Xutf8SetWMProperties(a->dpy, a->win, a->opt.title, a->opt.title, argv, argc, size, wm, cls);
    XFree(size);
    XFree(wm);
    XFree(cls);

    Atom utf8 = XInternAtom(a->dpy, "UTF8_STRING", False);
    XChangeProperty(a->dpy, a->win, XInternAtom(a->dpy, "_NET_WM_NAME", False), utf8, 8, PropModeReplace,
                    (const unsigned char *)a->opt.title, (int)strlen(a->opt.title));
    long pid = (long)getpid();
    XChangeProperty(a->dpy, a->win, XInternAtom(a->dpy, "_NET_WM_PID", False), XA_CARDINAL, 32,
                    PropModeReplace, (const unsigned char *)&pid, 1);
    XSetWMProtocols(a->dpy, a->win, &a->wm_delete_window, 1);
}

static void create_window(app *a, int argc, char **argv) {
    Display *dpy = a->dpy;
    int screen = DefaultScreen(dpy);
    int x = a->opt.x, y = a->opt.y;
    unsigned int width = a->opt.width, height = a->opt.height;
    if (a->opt.geometry_mask & XNegative) x += DisplayWidth(dpy, screen) - (int)width;
    if (a->opt.geometry_mask & YNegative) y += DisplayHeight(dpy, screen) - (int)height;

    Visual *visual = DefaultVisual(dpy, screen);
    Colormap colormap = DefaultColormap(dpy, screen);
    long events = KeyPressMask | KeyReleaseMask | ButtonPressMask | ButtonReleaseMask | FocusChangeMask |
                  ExposureMask | StructureNotifyMask;
    if (a->opt.motion) events |= PointerMotionMask;
    XSetWindowAttributes attrs = {
        // The server clears exposed areas to the right colour before we redraw them.
        .background_pixel = ui_pixel(dpy, visual, colormap, 0xd0d0d0),
        .border_pixel = 0,
        .event_mask = events,
    };
    a->win = XCreateWindow(dpy, a->root, x, y, width, height, 0, CopyFromParent, InputOutput, CopyFromParent,
                           CWBackPixel | CWBorderPixel | CWEventMask, &attrs);
    set_properties(a, argc, argv, x, y, (int)width, (int)height);
    keys_open(&a->keys, dpy, a->win);
    ui_init(&a->ui, dpy, a->win, visual, colormap);
    ui_set_status(&a->ui, "waiting for input");
    XMapWindow(dpy, a->win);
}

// Root position of the client area and its size. Under a window manager the window is reparented
// into a frame, so its own x, y are relative to the frame: translate to the root instead.
static void current_geometry(app *a, int *x, int *y, int *width, int *height) {
    Window child;
    XWindowAttributes wa;
    XTranslateCoordinates(a->dpy, a->win, a->root, 0, 0, x, y, &child);
    XGetWindowAttributes(a->dpy, a->win, &wa);
    *width = wa.width;
    *height = wa.height;
}

// Once the window is viewable: take the focus, draw everything, and only then tell the test we are
// ready, so its first screenshot or keystroke cannot race the app's own setup. Returns 1 when done.
static int try_ready(app *a) {
    XWindowAttributes wa;
    if (!XGetWindowAttributes(a->dpy, a->win, &wa) || wa.map_state != IsViewable)
        return 0;  // Mapped inside a frame the window manager has not mapped yet: focus would fail.
    if (a->opt.focus) {
        last_x_error = 0;
        XSetInputFocus(a->dpy, a->win, RevertToParent, CurrentTime);
        XSync(a->dpy, False);
        if (last_x_error == BadMatch) return 0;  // Became unviewable meanwhile; try again.
    }
    ui_draw_all(&a->ui);
    XSync(a->dpy, False);
    current_geometry(a, &a->x, &a->y, &a->width, &a->height);
    json_begin(&a->line, "ready");
    json_uint(&a->line, "window", (unsigned long long)a->win);
    json_int(&a->line, "pid", (long long)getpid());
    json_int(&a->line, "x", a->x);
    json_int(&a->line, "y", a->y);
    json_int(&a->line, "width", a->width);
    json_int(&a->line, "height", a->height);
    json_emit(&a->line, a->log);
    a->ready = 1;
    return 1;
}

static void report_geometry_change(app *a) {
    int x, y, width, height;
    current_geometry(a, &x, &y, &width, &height);
    if (x == a->x && y == a->y && width == a->width && height == a->height) return;
    a->x = x;
    a->y = y;
    a->width = width;
    a->height = height;
    json_begin(&a->line, "configure");
    json_int(&a->line, "x", x);
    json_int(&a->line, "y", y);
    json_int(&a->line, "width", width);
    json_int(&a->line, "height", height);
    json_emit(&a->line, a->log);
}

static int is_printable(const char *utf8) {
    if (!*utf8) return 0;
    for (const unsigned char *p = (const unsigned char *)utf8; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return 0;
    return 1;
}

// XKeysymToString returns static names, except for unnamed Unicode keysyms ("U03B1"), which it
// allocates and nobody can tell apart to free: a few bytes per such key, acceptable in a fixture.
static const char *keysym_name(KeySym keysym) {
    const char *name = keysym == NoSymbol ? NULL : XKeysymToString(keysym);
    return name ? name : "";
}

static void on_key_press(app *a, XKeyEvent *e) {
    KeySym keysym;
    char text[256];
    keys_lookup_press(&a->keys, e, &keysym, text, sizeof text);
    const char *name = keysym_name(keysym);
    json_begin(&a->line, "key_press");
    json_int(&a->line, "keycode", e->keycode);
    json_uint(&a->line, "keysym", keysym);
    json_str(&a->line, "name", name);
    json_str(&a->line, "text", text);
    json_int(&a->line, "state", e->state);
    json_emit(&a->line, a->log);

    if (keysym == XK_BackSpace) ui_field_backspace(&a->ui);
    else if (keysym == XK_Return || keysym == XK_KP_Enter) ui_field_clear(&a->ui);
    else if (is_printable(text)) ui_field_append(&a->ui, text);
    ui_set_status(&a->ui, "key_press %u %s \"%s\" state %u", e->keycode, name, text, e->state);
}

static void on_key_release(app *a, XKeyEvent *e) {
    KeySym keysym = keys_lookup_release(e);
    const char *name = keysym_name(keysym);
    json_begin(&a->line, "key_release");
    json_int(&a->line, "keycode", e->keycode);
    json_uint(&a->line, "keysym", keysym);
    json_str(&a->line, "name", name);
    json_int(&a->line, "state", e->state);
    json_emit(&a->line, a->log);
    ui_set_status(&a->ui, "key_release %u %s state %u", e->keycode, name, e->state);
}

static void on_button(app *a, XButtonEvent *e) {
    const char *event = e->type == ButtonPress ? "button_press" : "button_release";
    const char *target = ui_target(e->x, e->y);
    json_begin(&a->line, event);
    json_int(&a->line, "button", e->button);
    json_int(&a->line, "x", e->x);
    json_int(&a->line, "y", e->y);
    json_int(&a->line, "root_x", e->x_root);
    json_int(&a->line, "root_y", e->y_root);
    json_int(&a->line, "state", e->state);
    json_str(&a->line, "target", target);
    json_emit(&a->line, a->log);
    ui_set_status(&a->ui, "%s %u at %d,%d on %s", event, e->button, e->x, e->y, target);
}

static void on_focus(app *a, XFocusChangeEvent *e) {
    // NotifyPointer events say the focus is in some other window that contains the pointer, not
    // that this window gained or lost it.
    if (e->detail == NotifyPointer) return;
    const char *event = e->type == FocusIn ? "focus_in" : "focus_out";
    json_begin(&a->line, event);
    json_emit(&a->line, a->log);
    ui_set_status(&a->ui, "%s", event);
}

static void on_motion(app *a, XMotionEvent *e) {
    json_begin(&a->line, "motion");
    json_int(&a->line, "x", e->x);
    json_int(&a->line, "y", e->y);
    json_emit(&a->line, a->log);
}

static void handle_event(app *a, XEvent *ev) {
    switch (ev->type) {
    case MappingNotify:
        // Before anything else: the engine types characters missing from the keymap by rebinding a
        // spare keycode, and the key presses that follow must be translated with the new binding.
        XRefreshKeyboardMapping(&ev->xmapping);
        return;
    case Expose:
        if (ev->xexpose.count == 0) ui_draw_all(&a->ui);
        return;
    case MapNotify:
        if (ev->xmap.window == a->win) a->mapped = 1;
        return;
    case ConfigureNotify:
    case ReparentNotify:
        if (a->ready) report_geometry_change(a);
        return;
    case DestroyNotify:
        if (ev->xdestroywindow.window == a->win) a->destroyed = a->quit = 1;
        return;
    case ClientMessage:
        if (ev->xclient.message_type == a->wm_protocols && ev->xclient.format == 32 &&
            (Atom)ev->xclient.data.l[0] == a->wm_delete_window)
            a->quit = 1;
        return;
    default:
        break;
    }
    if (!a->ready) return;  // "ready" is the first line; input before it is not part of any test.
    switch (ev->type) {
    case KeyPress: on_key_press(a, &ev->xkey); break;
    case KeyRelease: on_key_release(a, &ev->xkey); break;
    case ButtonPress:
    case ButtonRelease: on_button(a, &ev->xbutton); break;
    case FocusIn:
    case FocusOut: on_focus(a, &ev->xfocus); break;
    case MotionNotify: on_motion(a, &ev->xmotion); break;
    default: break;
    }
}

static void setup_signals(void) {
    if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        perror("fixture-app: pipe");
        exit(1);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    // A test that stops reading the log must not kill the app mid-run: writes just fail.
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
}

// Events can sit in Xlib's queue without the socket being readable (any round trip reads them), so
// the queue is drained before every poll(); the self-pipe ends the wait on SIGTERM/SIGINT.
static void run(app *a) {
    XEvent ev;
    while (!a->quit && !got_signal) {
        while (!a->quit && !got_signal && XPending(a->dpy) > 0) {
            XNextEvent(a->dpy, &ev);
            handle_event(a, &ev);
        }
        if (a->quit || got_signal) break;
        int timeout = -1;
        if (a->mapped && !a->ready) {
            if (try_ready(a)) continue;
            timeout = 10;  // Not viewable yet: look again shortly (no event says "frame mapped").
        }
        if (XQLength(a->dpy) > 0) continue;
        XFlush(a->dpy);
        struct pollfd fds[2] = {{ConnectionNumber(a->dpy), POLLIN, 0}, {signal_pipe[0], POLLIN, 0}};
        poll(fds, 2, timeout);
        char drain[16];
        while (read(signal_pipe[0], drain, sizeof drain) > 0) {
        }
    }
}

int main(int argc, char **argv) {
    app a;
    memset(&a, 0, sizeof a);
    a.opt = parse_options(argc, argv);
    setup_locale();
    setup_signals();

    a.dpy = XOpenDisplay(NULL);
    if (!a.dpy) {
        const char *name = XDisplayName(NULL);
        fprintf(stderr, "fixture-app: cannot open display %s\n", *name ? name : "(DISPLAY is not set)");
        return 1;
    }
    XSetErrorHandler(on_x_error);
    a.log = stdout;
    if (a.opt.events_path) {
        a.log = fopen(a.opt.events_path, "w");
        if (!a.log) {
            fprintf(stderr, "fixture-app: cannot open events file %s: %s\n", a.opt.events_path, strerror(errno));
            return 1;
        }
    }
    a.root = DefaultRootWindow(a.dpy);
    a.wm_protocols = XInternAtom(a.dpy, "WM_PROTOCOLS", False);
    a.wm_delete_window = XInternAtom(a.dpy, "WM_DELETE_WINDOW", False);
    create_window(&a, argc, argv);

    run(&a);

    json_begin(&a.line, "closed");
    json_emit(&a.line, a.log);
    keys_close(&a.keys);
    ui_free(&a.ui);
    if (!a.destroyed) XDestroyWindow(a.dpy, a.win);
    XCloseDisplay(a.dpy);
    if (a.log != stdout) fclose(a.log);
    free(a.line.buf);
    return 0;
}
