/* swtlb.c — the software-refilled page tables of swtlb.h: map, unmap,
 * look up, guard, scan, and the accessed/dirty fix-ups the guest's TLB
 * exception handlers call.  No libc (see swtlb.h). */
#include "swtlb.h"

#define ENOENT 2
#define ENOMEM 12
#define EACCES 13
#define EINVAL 22
#define ENOTSUP 95

#define PAGE (1ull << SWTLB_PAGE_SHIFT)
#define HUGE (1ull << SWTLB_HUGE_SHIFT)

static uint64_t prot_bits(int prot, uint64_t r, uint64_t w, uint64_t x)
{
	return (prot & SWTLB_R ? r : 0) | (prot & SWTLB_W ? w : 0) |
	       (prot & SWTLB_X ? x : 0);
}

static int bits_prot(uint64_t e, uint64_t r, uint64_t w, uint64_t x)
{
	return (e & r ? SWTLB_R : 0) | (e & w ? SWTLB_W : 0) | (e & x ? SWTLB_X : 0);
}

uint64_t swtlb_encode(const struct swtlb_leaf *l)
{
	int eff = l->guarded ? l->host_prot & l->guard_prot : l->host_prot;
	uint64_t e = pte_frame(l->pa) | PTE_BASE | SW_MAPPED |
		     prot_bits(l->host_prot, SW_HOST_R, SW_HOST_W, SW_HOST_X);
	if (l->guarded)
		e |= SW_GUARD | prot_bits(l->guard_prot, SW_GUARD_R, SW_GUARD_W, SW_GUARD_X);
	if (l->accessed)
		e |= SW_A;
	if (l->dirty)
		e |= SW_D;
	if (l->huge)
		e |= SW_HUGE;
	/* Valid only once accessed and when some access is allowed;
	 * writable only once dirty. */
	if (eff && l->accessed)
		e |= PTE_V;
	if ((eff & SWTLB_W) && l->dirty)
		e |= PTE_D;
	if (!(eff & SWTLB_R))
		e |= PTE_NR;
	if (!(eff & SWTLB_X))
		e |= PTE_NX;
	return e;
}

void swtlb_decode(uint64_t e, struct swtlb_leaf *l)
{
	l->mapped = (e & SW_MAPPED) != 0;
	l->huge = (e & SW_HUGE) != 0;
	l->pa = pte_pa(e);
	l->host_prot = bits_prot(e, SW_HOST_R, SW_HOST_W, SW_HOST_X);
	l->guarded = (e & SW_GUARD) != 0;
	l->guard_prot = bits_prot(e, SW_GUARD_R, SW_GUARD_W, SW_GUARD_X);
	l->prot = l->guarded ? l->host_prot & l->guard_prot : l->host_prot;
	l->accessed = (e & SW_A) != 0;
	l->dirty = (e & SW_D) != 0;
}

/* The table below directory entry *e, made when missing and create. */
static uint64_t *below(struct swtlb *t, uint64_t *e, bool create)
{
	if (!(*e & DIR_ADDR)) {
		uint64_t gpa;
		if (!create || t->alloc(t->ctx, &gpa) < 0)
			return 0;
		*e = gpa & DIR_ADDR;
	}
	return t->table(t->ctx, *e & DIR_ADDR);
}

/* The level-1 (directory) entry over va, or NULL. */
static uint64_t *dir_of(struct swtlb *t, uint64_t va, bool create)
{
	uint64_t *table = t->table(t->ctx, t->root);
	for (int level = SWTLB_LEVELS - 1; level > 1 && table; level--) {
		uint64_t *e = &table[SWTLB_INDEX(va, level)];
		table = below(t, e, create);
	}
	return table ? &table[SWTLB_INDEX(va, 1)] : 0;
}

/* The 4 KiB leaf for va; NULL also when a huge leaf covers va (*dir then
 * points at it, with SW_HUGE set). */
static uint64_t *leaf_of(struct swtlb *t, uint64_t va, bool create, uint64_t **dir)
{
	uint64_t *d = dir_of(t, va, create), *table;
	*dir = d;
	if (!d || (*d & SW_HUGE))
		return 0;
	table = below(t, d, create);
	return table ? &table[SWTLB_INDEX(va, 0)] : 0;
}

int swtlb_map(struct swtlb *t, uint64_t va, uint64_t pa, int prot, bool huge)
{
	struct swtlb_leaf old, l = { .mapped = true, .pa = pa, .host_prot = prot,
				     .huge = huge };
	uint64_t *dir, *e;
	if (huge) {
		if ((va | pa) & (HUGE - 1))
			return -EINVAL;
		if (!(dir = dir_of(t, va, true)))
			return -ENOMEM;
		/* A table already there is dropped (its pages were the
		 * huge page's before the host made it one). */
		e = (*dir & SW_HUGE) ? dir : 0;
		if (!e)
			*dir = 0;
	} else {
		e = leaf_of(t, va, true, &dir);
		if (!e)
			return dir && (*dir & SW_HUGE) ? 0 : -ENOMEM;
	}
	if (e) {
		swtlb_decode(*e, &old);
		if (old.mapped && old.pa == pa) {
			l.guarded = old.guarded;
			l.guard_prot = old.guard_prot;
			l.accessed = old.accessed;
			l.dirty = old.dirty;
		}
	} else {
		e = dir;
	}
	*e = swtlb_encode(&l);
	return 0;
}

void swtlb_unmap(struct swtlb *t, uint64_t start, uint64_t end)
{
	uint64_t va = start;
	while (va < end) {
		uint64_t *table = t->table(t->ctx, t->root);
		int level;
		for (level = SWTLB_LEVELS - 1; level > 0; level--) {
			uint64_t *e = &table[SWTLB_INDEX(va, level)];
			if (level == 1 && (*e & SW_HUGE)) {
				*e = 0;
				break;
			}
			if (!(*e & DIR_ADDR))
				break;
			table = t->table(t->ctx, *e & DIR_ADDR);
		}
		if (level > 0) {
			/* Skip the whole span of a missing table (or of the
			 * huge page just dropped). */
			uint64_t span = 1ull << (SWTLB_PAGE_SHIFT + 9 * level);
			uint64_t next = (va & ~(span - 1)) + span;
			if (next <= va)
				break;
			va = next;
			continue;
		}
		table[SWTLB_INDEX(va, 0)] = 0;
		va += PAGE;
	}
}

int swtlb_get(struct swtlb *t, uint64_t va, struct swtlb_leaf *l)
{
	uint64_t *dir, *e = leaf_of(t, va, false, &dir);
	if (dir && (*dir & SW_HUGE)) {
		swtlb_decode(*dir, l);
		l->pa += va & (HUGE - 1) & ~(PAGE - 1);
		return 0;
	}
	if (!e || !(*e & SW_MAPPED))
		return -ENOENT;
	swtlb_decode(*e, l);
	return 0;
}

void swtlb_each(struct swtlb *t, uint64_t start, uint64_t end,
		void (*fn)(uint64_t va, struct swtlb_leaf *l, void *arg), void *arg)
{
	for (uint64_t va = start; va < end;) {
		uint64_t next = (va | (HUGE - 1)) + 1, *dir = dir_of(t, va, false), *table;
		if (next == 0 || next > end)
			next = end;
		if (!dir || (*dir & SW_HUGE) || !(*dir & DIR_ADDR)) {
			va = next;
			continue;
		}
		table = t->table(t->ctx, *dir & DIR_ADDR);
		for (; va < next; va += PAGE) {
			struct swtlb_leaf l;
			if (!(table[SWTLB_INDEX(va, 0)] & SW_MAPPED))
				continue;
			swtlb_decode(table[SWTLB_INDEX(va, 0)], &l);
			fn(va, &l, arg);
		}
	}
}

/* Rights the hardware bits of old grant that new's do not. */
static bool lost_rights(uint64_t old, uint64_t new)
{
	return (old & PTE_V) && ((old & ~new & (PTE_V | PTE_D)) ||
				 (~old & new & (PTE_NR | PTE_NX)));
}

long swtlb_protect(struct swtlb *t, uint64_t start, uint64_t end, int prot, bool guard)
{
	long lost = 0;
	for (uint64_t va = start; va < end; va += PAGE) {
		uint64_t *dir, *e = leaf_of(t, va, false, &dir), new;
		struct swtlb_leaf l;
		if (dir && (*dir & SW_HUGE))
			return -ENOTSUP;
		if (!e || !(*e & SW_MAPPED))
			return -ENOENT;
		swtlb_decode(*e, &l);
		l.guarded = guard;
		l.guard_prot = guard ? prot : 0;
		new = swtlb_encode(&l);
		lost += lost_rights(*e, new);
		*e = new;
	}
	return lost;
}

/* Clear the accessed or dirty bit of leaf *e; its hardware bits follow. */
static void clear_bit(uint64_t *e, bool dirty)
{
	struct swtlb_leaf l;
	swtlb_decode(*e, &l);
	if (dirty)
		l.dirty = false;
	else
		l.accessed = false;
	*e = swtlb_encode(&l);
}

static void report(uint64_t *bits, uint64_t va, uint64_t start)
{
	uint64_t i = (va - start) >> SWTLB_PAGE_SHIFT;
	if (bits)
		bits[i / 64] |= 1ull << (i % 64);
}

long swtlb_scan(struct swtlb *t, uint64_t start, uint64_t end, bool dirty,
		bool clear, uint64_t *bits, bool *cleared)
{
	uint64_t bit = dirty ? SW_D : SW_A, sum = dirty ? DIR_SUM_D : DIR_SUM_A;
	long n = 0;
	*cleared = false;
	for (uint64_t va = start; va < end;) {
		uint64_t lo = va & ~(HUGE - 1), next = lo + HUGE;
		uint64_t *dir = dir_of(t, va, false), *table;
		bool whole = va == lo && next <= end, seen = false;
		if (next > end || next == 0)
			next = end;
		if (!dir || !(*dir & (SW_HUGE | DIR_ADDR))) {
			va = next;
			continue;
		}
		if (*dir & SW_HUGE) {
			/* A huge page reports every 4 KiB page it covers. */
			if (*dir & bit) {
				for (uint64_t p = va; p < next; p += PAGE, n++)
					report(bits, p, start);
				if (clear) {
					clear_bit(dir, dirty);
					*cleared = true;
				}
			}
			va = next;
			continue;
		}
		if (!(*dir & sum)) {
			va = next;	/* nothing set below since the last clear */
			continue;
		}
		table = t->table(t->ctx, *dir & DIR_ADDR);
		for (; va < next; va += PAGE) {
			uint64_t *e = &table[SWTLB_INDEX(va, 0)];
			if (!(*e & bit))
				continue;
			report(bits, va, start);
			n++;
			seen = true;
			if (clear) {
				clear_bit(e, dirty);
				*cleared = true;
			}
		}
		/* Only a clearing scan of the whole table may drop the summary:
		 * a partial one leaves bits set outside its range. */
		if (clear && whole)
			*dir &= ~sum;
		else if (!seen && whole)
			*dir &= ~sum;	/* set, but nothing below: stale */
	}
	return n;
}

/* Set bits (SW_A, SW_D) on leaf *e and the summaries on its directory. */
static void mark(uint64_t *dir, uint64_t *e, bool write)
{
	struct swtlb_leaf l;
	swtlb_decode(*e, &l);
	l.accessed = true;
	l.dirty |= write;
	*e = swtlb_encode(&l);
	if (dir != e)
		*dir |= DIR_SUM_A | (write ? DIR_SUM_D : 0);
}

static bool allows(int prot, int access)
{
	return (access & prot) == access && prot;
}

int swtlb_touch(struct swtlb *t, uint64_t va, bool write)
{
	uint64_t *dir, *e = leaf_of(t, va, false, &dir);
	struct swtlb_leaf l;
	if (dir && (*dir & SW_HUGE))
		e = dir;
	if (!e || !(*e & SW_MAPPED))
		return -ENOENT;
	swtlb_decode(*e, &l);
	if (!allows(l.prot, write ? SWTLB_W : SWTLB_R))
		return -EACCES;
	mark(dir, e, write);
	return 0;
}

int swtlb_fixup(struct swtlb *t, uint64_t va, int access)
{
	uint64_t *dir, *e = leaf_of(t, va, false, &dir);
	struct swtlb_leaf l;
	if (dir && (*dir & SW_HUGE))
		e = dir;
	if (!e || !(*e & SW_MAPPED))
		return 0;
	swtlb_decode(*e, &l);
	if (!allows(l.prot, access))
		return 0;
	mark(dir, e, access & SWTLB_W);
	return 1;
}

int swtlb_refill(struct swtlb *t, uint64_t va, uint64_t lo[2], unsigned *shift)
{
	uint64_t *table = t->table(t->ctx, t->root), e = 0;
	int level;
	lo[0] = lo[1] = 0;
	*shift = SWTLB_PAGE_SHIFT;
	for (level = SWTLB_LEVELS - 1; level > 0; level--) {
		e = table[SWTLB_INDEX(va, level)];
		if (e & SW_HUGE)
			break;
		if (!(e & DIR_ADDR))
			return -ENOENT;
		table = t->table(t->ctx, e & DIR_ADDR);
	}
	if (level > 0) {
		/* Two halves of one huge page. */
		*shift = SWTLB_HUGE_SHIFT - 1;
		lo[0] = swtlb_hw(e);
		lo[1] = swtlb_hw(e) + pte_frame(1ull << (SWTLB_HUGE_SHIFT - 1));
		return 0;
	}
	lo[0] = swtlb_hw(table[SWTLB_INDEX(va, 0) & ~1ull]);
	lo[1] = swtlb_hw(table[SWTLB_INDEX(va, 0) | 1]);
	return 0;
}
