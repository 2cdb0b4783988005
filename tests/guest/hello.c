/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Serial output and a clean pass: the smallest possible guest. */
#include "guest.h"

void guest_main(void)
{
    printf("hello from the kemu test guest (boot type %u)\n", boot_type);
}
