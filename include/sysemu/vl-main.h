/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The emulator's start-up, for main() and for in-process fuzz targets. */
#ifndef KEMU_VL_MAIN_H
#define KEMU_VL_MAIN_H

/* Parses the command line and builds the machine (exits on errors);
 * returns with the BQL held, the VM started or in prelaunch (-S). */
void kemu_init(int argc, char **argv);
/* kemu_init, then the main loop until the process should end. */
int kemu_main(int argc, char **argv);

#endif
