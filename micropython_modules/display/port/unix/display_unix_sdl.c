// SDL2 unix backend (`make unix DISPLAY=sdl`): the headless framebuffer,
// shown in a desktop window; the mouse is the touch input. The window shows
// the panel as mounted (native orientation), like the emulated board.

#include <SDL.h>

#include "py/runtime.h"

#include "display.h"
#include "display_driver.h"
#include "display_unix_fb.h"

static SDL_Window *window;
static SDL_Renderer *renderer;
static SDL_Texture *texture;
static bool button_down;

static void sdl_deinit(void) {
    if (texture != NULL) {
        SDL_DestroyTexture(texture);
    }
    if (renderer != NULL) {
        SDL_DestroyRenderer(renderer);
    }
    if (window != NULL) {
        SDL_DestroyWindow(window);
    }
    texture = NULL;
    renderer = NULL;
    window = NULL;
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    mp_display_fb_deinit();
}

static void sdl_init(mp_display_panel_t *panel) {
    mp_display_fb_init(panel);
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        mp_display_fb_deinit();
        mp_display_raise_fmt(&mp_type_OSError, "SDL: %s", SDL_GetError());
    }
    window = SDL_CreateWindow("MicroPython display", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
        panel->width, panel->height, 0);
    renderer = window != NULL ? SDL_CreateRenderer(window, -1, 0) : NULL;
    texture = renderer != NULL ? SDL_CreateTexture(renderer, SDL_PIXELFORMAT_RGB565,
        SDL_TEXTUREACCESS_STREAMING, panel->width, panel->height) : NULL;
    if (texture == NULL) {
        char msg[100];
        SDL_strlcpy(msg, SDL_GetError(), sizeof(msg));
        sdl_deinit();
        mp_display_raise_fmt(&mp_type_OSError, "SDL: %s", msg);
    }
    button_down = false;
}

static void present(void) {
    SDL_UpdateTexture(texture, NULL, mp_display_fb_pixels(), mp_display_fb_width() * 2);
    SDL_RenderClear(renderer);
    SDL_RenderCopy(renderer, texture, NULL, NULL);
    SDL_RenderPresent(renderer);
}

static void sdl_flush(int x1, int y1, int x2, int y2, uint16_t *pixels) {
    mp_display_fb_flush(x1, y1, x2, y2, pixels);
    lv_display_t *disp = mp_display_lv_display();
    if (disp == NULL || lv_display_flush_is_last(disp)) {
        present();
    }
    mp_display_flush_done();
}

static void sdl_backlight(int percent) {
    Uint8 v = (Uint8)(percent * 255 / 100);
    SDL_SetTextureColorMod(texture, v, v, v);
    present();
}

// Window events, on every task-handler run.
static void sdl_poll(void) {
    SDL_Event ev;
    while (SDL_PollEvent(&ev)) {
        switch (ev.type) {
            case SDL_MOUSEBUTTONDOWN:
            case SDL_MOUSEBUTTONUP:
                if (ev.button.button == SDL_BUTTON_LEFT) {
                    button_down = ev.type == SDL_MOUSEBUTTONDOWN;
                    mp_display_input(ev.button.x, ev.button.y, button_down);
                }
                break;
            case SDL_MOUSEMOTION:
                if (button_down) {
                    mp_display_input(ev.motion.x, ev.motion.y, true);
                }
                break;
            case SDL_WINDOWEVENT:
                if (ev.window.event == SDL_WINDOWEVENT_EXPOSED) {
                    present();
                }
                break;
            default:
                break;
        }
    }
}

const mp_display_driver_t mp_display_driver = {
    .name = "sdl",
    .width = 240,
    .height = 320,
    .max_size = MP_DISPLAY_UNIX_MAX_SIZE,
    .hw_rotation = false,
    .init = sdl_init,
    .deinit = sdl_deinit,
    .flush = sdl_flush,
    .backlight = sdl_backlight,
    .read_back = mp_display_fb_pixels,
    .poll = sdl_poll,
};
