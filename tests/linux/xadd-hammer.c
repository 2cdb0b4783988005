/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs inside a Linux guest: NPROC processes add to one shared counter
 * with LOCK XADD; the total must be exact, which it is only if the
 * translator makes the guest's atomic ops atomic across vCPUs.
 *   xadd-hammer [NPROC [ITERATIONS]]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int nproc = argc > 1 ? atoi(argv[1]) : 2;
    long iters = argc > 2 ? atol(argv[2]) : 2000000;
    uint64_t *counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                             MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    if (counter == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    for (int p = 0; p < nproc; p++) {
        if (fork() == 0) {
            for (long i = 0; i < iters; i++) {
                uint64_t one = 1;
                __asm__ volatile("lock xaddq %0, %1"
                                 : "+r"(one), "+m"(*counter) :: "memory");
            }
            _exit(0);
        }
    }
    for (int p = 0; p < nproc; p++) {
        wait(NULL);
    }
    printf("xadd-hammer: %llu of %llu\n", (unsigned long long)*counter,
           (unsigned long long)nproc * iters);
    if (*counter != (uint64_t)nproc * iters) {
        return 1;
    }
    printf("XADD_OK\n");
    return 0;
}
