/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util/osdep.h"
#include "sysemu/vl-main.h"
int main(int argc, char **argv)
{
    return kemu_main(argc, argv);
}
