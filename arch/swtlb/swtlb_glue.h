/* swtlb_glue.h — between arch/swtlb/mmu.c and the backend using it. */
#ifndef DUNE_SWTLB_GLUE_H
#define DUNE_SWTLB_GLUE_H

#include <stdint.h>

struct dune_vm;

/* mmu.c */
extern volatile int *swtlb_mode_word;
int swtlb_map_mode_page(struct dune_vm *vm);
int swtlb_guest_fixup(struct dune_vm *vm, uintptr_t va, unsigned access);

/* The backend (guest code): flush the whole TLB; drop va's entry. */
void swtlb_flush_here(void);
void swtlb_retire(uintptr_t va);

#endif
