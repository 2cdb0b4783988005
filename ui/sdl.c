/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "-display sdl": an SDL2 window showing the first graphic console.
 * The surface (x8r8g8b8) goes into a streaming texture as rectangles
 * change and is presented on each refresh; the window can be resized
 * and the picture scales with it. Keys are taken by physical position
 * (SDL scancodes, which are USB HID usages) so the guest's own layout
 * applies. Ctrl-Alt-G grabs and releases the pointer (relative PS/2
 * motion while grabbed; a click grabs too); Ctrl-Alt-F toggles full
 * screen. Closing the window ends kemu, as QEMU does.
 */
#include "ui/sdl.h"
#include "config-host.h"

#ifndef CONFIG_SDL
bool sdl_display_init(bool window_close, Error **errp)
{
    error_setg(errp, "Display 'sdl' is not available.");
    return false;
}
#else
#include "ui/console.h"
#include "ui/input.h"
#include "sysemu/runstate.h"
#include "sysemu/sysemu.h"
#include "util/timer.h"
#include <SDL.h>

typedef struct SdlDisplay {
    DisplayChangeListener dcl;
    SDL_Window *window;
    SDL_Renderer *renderer;
    SDL_Texture *texture;
    DisplaySurface *surface;
    bool grabbed;
    bool window_close;          /* closing the window quits */
    Timer *own_refresh;         /* without a console to drive refresh */
} SdlDisplay;

static SdlDisplay sdl;

static const struct {
    SDL_Scancode sc;
    const char *qcode;
} sdl_keys[] = {
    { SDL_SCANCODE_A, "a" }, { SDL_SCANCODE_B, "b" }, { SDL_SCANCODE_C, "c" },
    { SDL_SCANCODE_D, "d" }, { SDL_SCANCODE_E, "e" }, { SDL_SCANCODE_F, "f" },
    { SDL_SCANCODE_G, "g" }, { SDL_SCANCODE_H, "h" }, { SDL_SCANCODE_I, "i" },
    { SDL_SCANCODE_J, "j" }, { SDL_SCANCODE_K, "k" }, { SDL_SCANCODE_L, "l" },
    { SDL_SCANCODE_M, "m" }, { SDL_SCANCODE_N, "n" }, { SDL_SCANCODE_O, "o" },
    { SDL_SCANCODE_P, "p" }, { SDL_SCANCODE_Q, "q" }, { SDL_SCANCODE_R, "r" },
    { SDL_SCANCODE_S, "s" }, { SDL_SCANCODE_T, "t" }, { SDL_SCANCODE_U, "u" },
    { SDL_SCANCODE_V, "v" }, { SDL_SCANCODE_W, "w" }, { SDL_SCANCODE_X, "x" },
    { SDL_SCANCODE_Y, "y" }, { SDL_SCANCODE_Z, "z" },
    { SDL_SCANCODE_1, "1" }, { SDL_SCANCODE_2, "2" }, { SDL_SCANCODE_3, "3" },
    { SDL_SCANCODE_4, "4" }, { SDL_SCANCODE_5, "5" }, { SDL_SCANCODE_6, "6" },
    { SDL_SCANCODE_7, "7" }, { SDL_SCANCODE_8, "8" }, { SDL_SCANCODE_9, "9" },
    { SDL_SCANCODE_0, "0" },
    { SDL_SCANCODE_RETURN, "ret" }, { SDL_SCANCODE_ESCAPE, "esc" },
    { SDL_SCANCODE_BACKSPACE, "backspace" }, { SDL_SCANCODE_TAB, "tab" },
    { SDL_SCANCODE_SPACE, "spc" }, { SDL_SCANCODE_MINUS, "minus" },
    { SDL_SCANCODE_EQUALS, "equal" },
    { SDL_SCANCODE_LEFTBRACKET, "bracket_left" },
    { SDL_SCANCODE_RIGHTBRACKET, "bracket_right" },
    { SDL_SCANCODE_BACKSLASH, "backslash" },
    { SDL_SCANCODE_NONUSHASH, "backslash" },
    { SDL_SCANCODE_SEMICOLON, "semicolon" },
    { SDL_SCANCODE_APOSTROPHE, "apostrophe" },
    { SDL_SCANCODE_GRAVE, "grave_accent" }, { SDL_SCANCODE_COMMA, "comma" },
    { SDL_SCANCODE_PERIOD, "dot" }, { SDL_SCANCODE_SLASH, "slash" },
    { SDL_SCANCODE_CAPSLOCK, "caps_lock" },
    { SDL_SCANCODE_F1, "f1" }, { SDL_SCANCODE_F2, "f2" },
    { SDL_SCANCODE_F3, "f3" }, { SDL_SCANCODE_F4, "f4" },
    { SDL_SCANCODE_F5, "f5" }, { SDL_SCANCODE_F6, "f6" },
    { SDL_SCANCODE_F7, "f7" }, { SDL_SCANCODE_F8, "f8" },
    { SDL_SCANCODE_F9, "f9" }, { SDL_SCANCODE_F10, "f10" },
    { SDL_SCANCODE_F11, "f11" }, { SDL_SCANCODE_F12, "f12" },
    { SDL_SCANCODE_PRINTSCREEN, "print" },
    { SDL_SCANCODE_SCROLLLOCK, "scroll_lock" },
    { SDL_SCANCODE_PAUSE, "pause" }, { SDL_SCANCODE_INSERT, "insert" },
    { SDL_SCANCODE_HOME, "home" }, { SDL_SCANCODE_PAGEUP, "pgup" },
    { SDL_SCANCODE_DELETE, "delete" }, { SDL_SCANCODE_END, "end" },
    { SDL_SCANCODE_PAGEDOWN, "pgdn" }, { SDL_SCANCODE_RIGHT, "right" },
    { SDL_SCANCODE_LEFT, "left" }, { SDL_SCANCODE_DOWN, "down" },
    { SDL_SCANCODE_UP, "up" }, { SDL_SCANCODE_NUMLOCKCLEAR, "num_lock" },
    { SDL_SCANCODE_KP_DIVIDE, "kp_divide" },
    { SDL_SCANCODE_KP_MULTIPLY, "kp_multiply" },
    { SDL_SCANCODE_KP_MINUS, "kp_subtract" },
    { SDL_SCANCODE_KP_PLUS, "kp_add" }, { SDL_SCANCODE_KP_ENTER, "kp_enter" },
    { SDL_SCANCODE_KP_1, "kp_1" }, { SDL_SCANCODE_KP_2, "kp_2" },
    { SDL_SCANCODE_KP_3, "kp_3" }, { SDL_SCANCODE_KP_4, "kp_4" },
    { SDL_SCANCODE_KP_5, "kp_5" }, { SDL_SCANCODE_KP_6, "kp_6" },
    { SDL_SCANCODE_KP_7, "kp_7" }, { SDL_SCANCODE_KP_8, "kp_8" },
    { SDL_SCANCODE_KP_9, "kp_9" }, { SDL_SCANCODE_KP_0, "kp_0" },
    { SDL_SCANCODE_KP_PERIOD, "kp_decimal" },
    { SDL_SCANCODE_NONUSBACKSLASH, "less" },
    { SDL_SCANCODE_APPLICATION, "menu" },
    { SDL_SCANCODE_LCTRL, "ctrl" }, { SDL_SCANCODE_LSHIFT, "shift" },
    { SDL_SCANCODE_LALT, "alt" }, { SDL_SCANCODE_LGUI, "meta_l" },
    { SDL_SCANCODE_RCTRL, "ctrl_r" }, { SDL_SCANCODE_RSHIFT, "shift_r" },
    { SDL_SCANCODE_RALT, "alt_r" }, { SDL_SCANCODE_RGUI, "meta_r" },
};

static int sdl_qcode(SDL_Scancode sc)
{
    for (size_t i = 0; i < ARRAY_SIZE(sdl_keys); i++) {
        if (sdl_keys[i].sc == sc) {
            return qemu_input_qcode_from_name(sdl_keys[i].qcode);
        }
    }
    return Q_KEY_CODE_UNMAPPED;
}

static void sdl_update_title(void)
{
    g_autofree char *title = qemu_name ?
        g_strdup_printf("QEMU (%s)%s", qemu_name,
                        sdl.grabbed ? " - Press Ctrl-Alt-G to exit grab"
                                    : "") :
        g_strdup_printf("QEMU%s", sdl.grabbed ?
                        " - Press Ctrl-Alt-G to exit grab" : "");

    SDL_SetWindowTitle(sdl.window, title);
}

static void sdl_set_grab(bool on)
{
    sdl.grabbed = on;
    SDL_SetRelativeMouseMode(on ? SDL_TRUE : SDL_FALSE);
    SDL_SetWindowGrab(sdl.window, on ? SDL_TRUE : SDL_FALSE);
    sdl_update_title();
}

static void sdl_switch(DisplayChangeListener *dcl, DisplaySurface *surface)
{
    int w = surface_width(surface), h = surface_height(surface);

    sdl.surface = surface;
    if (sdl.texture) {
        SDL_DestroyTexture(sdl.texture);
    }
    sdl.texture = SDL_CreateTexture(sdl.renderer, SDL_PIXELFORMAT_ARGB8888,
                                    SDL_TEXTUREACCESS_STREAMING, w, h);
    SDL_RenderSetLogicalSize(sdl.renderer, w, h);
    if (!(SDL_GetWindowFlags(sdl.window) & SDL_WINDOW_FULLSCREEN_DESKTOP)) {
        SDL_SetWindowSize(sdl.window, w, h);
    }
    SDL_UpdateTexture(sdl.texture, NULL, surface_data(surface),
                      surface_stride(surface));
}

static void sdl_update(DisplayChangeListener *dcl, int x, int y, int w, int h)
{
    SDL_Rect r = { x, y, w, h };
    const uint8_t *p;

    if (!sdl.texture || !sdl.surface) {
        return;
    }
    p = surface_data(sdl.surface) + (size_t)y * surface_stride(sdl.surface) +
        x * 4;
    SDL_UpdateTexture(sdl.texture, &r, p, surface_stride(sdl.surface));
}

static void sdl_handle_key(const SDL_KeyboardEvent *ev)
{
    SDL_Keymod mods = SDL_GetModState();
    bool ctrl_alt = (mods & KMOD_CTRL) && (mods & KMOD_ALT);

    if (ctrl_alt && ev->type == SDL_KEYDOWN) {
        /* Ctrl-Alt-G and Ctrl-Alt-F are ours, never the guest's. */
        if (ev->keysym.scancode == SDL_SCANCODE_G) {
            sdl_set_grab(!sdl.grabbed);
            return;
        }
        if (ev->keysym.scancode == SDL_SCANCODE_F) {
            bool full = SDL_GetWindowFlags(sdl.window) &
                        SDL_WINDOW_FULLSCREEN_DESKTOP;
            SDL_SetWindowFullscreen(sdl.window, full ? 0
                                    : SDL_WINDOW_FULLSCREEN_DESKTOP);
            return;
        }
    }
    qemu_input_event_send_key_qcode(sdl_qcode(ev->keysym.scancode),
                                    ev->type == SDL_KEYDOWN);
    qemu_input_event_sync();
}

static void sdl_handle_button(const SDL_MouseButtonEvent *ev)
{
    static const struct { uint8_t sdl; InputButton btn; } map[] = {
        { SDL_BUTTON_LEFT, INPUT_BUTTON_LEFT },
        { SDL_BUTTON_MIDDLE, INPUT_BUTTON_MIDDLE },
        { SDL_BUTTON_RIGHT, INPUT_BUTTON_RIGHT },
        { SDL_BUTTON_X1, INPUT_BUTTON_SIDE },
        { SDL_BUTTON_X2, INPUT_BUTTON_EXTRA },
    };

    if (!sdl.grabbed && !qemu_input_is_absolute()) {
        /* A click into the window grabs the pointer, as QEMU does. */
        if (ev->type == SDL_MOUSEBUTTONUP && ev->button == SDL_BUTTON_LEFT) {
            sdl_set_grab(true);
        }
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
        if (map[i].sdl == ev->button) {
            qemu_input_queue_btn(map[i].btn, ev->type == SDL_MOUSEBUTTONDOWN);
            qemu_input_event_sync();
        }
    }
}

static void sdl_refresh(DisplayChangeListener *dcl)
{
    SDL_Event ev;

    while (SDL_PollEvent(&ev)) {
        switch (ev.type) {
        case SDL_QUIT:
            if (sdl.window_close) {
                qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_UI);
            }
            break;
        case SDL_KEYDOWN:
        case SDL_KEYUP:
            sdl_handle_key(&ev.key);
            break;
        case SDL_MOUSEMOTION:
            if (qemu_input_is_absolute() && sdl.surface) {
                qemu_input_queue_abs(INPUT_AXIS_X, ev.motion.x, 0,
                                     surface_width(sdl.surface) - 1);
                qemu_input_queue_abs(INPUT_AXIS_Y, ev.motion.y, 0,
                                     surface_height(sdl.surface) - 1);
                qemu_input_event_sync();
            } else if (sdl.grabbed) {
                qemu_input_queue_rel(INPUT_AXIS_X, ev.motion.xrel);
                qemu_input_queue_rel(INPUT_AXIS_Y, ev.motion.yrel);
                qemu_input_event_sync();
            }
            break;
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP:
            sdl_handle_button(&ev.button);
            break;
        case SDL_MOUSEWHEEL:
            if (sdl.grabbed || qemu_input_is_absolute()) {
                InputButton b = ev.wheel.y > 0 ? INPUT_BUTTON_WHEEL_UP
                                               : INPUT_BUTTON_WHEEL_DOWN;
                qemu_input_queue_btn(b, true);
                qemu_input_event_sync();
                qemu_input_queue_btn(b, false);
                qemu_input_event_sync();
            }
            break;
        case SDL_WINDOWEVENT:
            if (ev.window.event == SDL_WINDOWEVENT_FOCUS_LOST &&
                sdl.grabbed) {
                sdl_set_grab(false);
            }
            break;
        default:
            break;
        }
    }
    SDL_RenderClear(sdl.renderer);
    if (sdl.texture) {
        SDL_RenderCopy(sdl.renderer, sdl.texture, NULL, NULL);
    }
    SDL_RenderPresent(sdl.renderer);
}

static void sdl_own_refresh(void *opaque)
{
    sdl_refresh(&sdl.dcl);
    timer_mod_ns(sdl.own_refresh,
                 clock_get_ns(KEMU_CLOCK_REALTIME) + 30 * 1000000);
}

static const DisplayChangeListenerOps sdl_ops = {
    .name = "sdl",
    .dpy_gfx_switch = sdl_switch,
    .dpy_gfx_update = sdl_update,
    .dpy_refresh = sdl_refresh,
};

bool sdl_display_init(bool window_close, Error **errp)
{
    /* Keep SDL away from signals (kemu handles SIGINT/SIGTERM). */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO)) {
        error_setg(errp, "Could not initialize SDL(%s) - exiting",
                   SDL_GetError());
        return false;
    }
    sdl.window_close = window_close;
    sdl.window = SDL_CreateWindow("QEMU", SDL_WINDOWPOS_UNDEFINED,
                                  SDL_WINDOWPOS_UNDEFINED, 640, 480,
                                  SDL_WINDOW_RESIZABLE);
    if (!sdl.window) {
        error_setg(errp, "Could not create the SDL window: %s",
                   SDL_GetError());
        return false;
    }
    /* Software rendering works everywhere, Xvfb included. */
    sdl.renderer = SDL_CreateRenderer(sdl.window, -1,
                                      SDL_RENDERER_SOFTWARE);
    if (!sdl.renderer) {
        error_setg(errp, "Could not create the SDL renderer: %s",
                   SDL_GetError());
        SDL_DestroyWindow(sdl.window);
        return false;
    }
    sdl_update_title();
    sdl.dcl.ops = &sdl_ops;
    register_displaychangelistener(&sdl.dcl);
    if (!sdl.dcl.con) {
        /* No graphic card: an empty window, refreshed by our own timer
         * so that its events (closing it) are still seen. */
        sdl_switch(&sdl.dcl, qemu_create_displaysurface(640, 480));
        sdl.own_refresh = timer_new_ns(KEMU_CLOCK_REALTIME, sdl_own_refresh,
                                       NULL);
        timer_mod_ns(sdl.own_refresh, clock_get_ns(KEMU_CLOCK_REALTIME));
    }
    return true;
}
#endif
