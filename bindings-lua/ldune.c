/* ldune.c — the "dune" Lua 5.4 module: enter and escape dune from a
 * script, and page buffers whose protection and dirty/accessed pages the
 * script can see.  Conventions of liolib.c: bad arguments raise errors,
 * OS failures return nil, message, errno. */
#define LUA_LIB
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <lua.h>
#include <lauxlib.h>
#include <dune/dune.h>

#define BUFFER "dune.buffer"
#define PAGE 4096

/* A page-aligned buffer; closed when p is NULL. */
typedef struct {
	char *p;
	size_t npages;
} Buffer;

static int result(lua_State *L, int r)
{
	if (r >= 0) {
		lua_pushboolean(L, 1);
		return 1;
	}
	luaL_pushfail(L);
	lua_pushstring(L, strerror(-r));
	lua_pushinteger(L, -r);
	return 3;
}

static int l_enter(lua_State *L)
{
	return result(L, dune_enter());
}

static int l_escape(lua_State *L)
{
	return result(L, dune_escape());
}

static int l_active(lua_State *L)
{
	lua_pushboolean(L, dune_active());
	return 1;
}

static int l_backend(lua_State *L)
{
	lua_pushstring(L, dune_backend());
	return 1;
}

static void set_int(lua_State *L, const char *k, uint64_t v)
{
	lua_pushinteger(L, (lua_Integer)v);
	lua_setfield(L, -2, k);
}

static int l_stats(lua_State *L)
{
	struct dune_stats s;
	int r = dune_stats(&s);
	if (r < 0)
		return result(L, r);
	lua_createtable(L, 0, 20);
	set_int(L, "enters", s.enters);
	set_int(L, "escapes", s.escapes);
	set_int(L, "exits", s.exits);
	set_int(L, "syscalls", s.syscalls);
	set_int(L, "faults", s.faults);
	set_int(L, "guest_faults", s.guest_faults);
	set_int(L, "signals", s.signals);
	set_int(L, "tlb_flushes", s.tlb_flushes);
	set_int(L, "memslots", s.memslots);
	set_int(L, "pt_pages", s.pt_pages);
	set_int(L, "vms", s.vms);
	lua_createtable(L, 0, DUNE_EXIT_REASONS);
	for (int i = 0; i < DUNE_EXIT_REASONS; i++) {
		lua_pushinteger(L, (lua_Integer)s.exits_by_reason[i]);
		lua_setfield(L, -2, dune_exit_reason_name(i));
	}
	lua_setfield(L, -2, "exits_by_reason");
	lua_pushstring(L, s.dirty_mechanism ? s.dirty_mechanism : "");
	lua_setfield(L, -2, "dirty_mechanism");
	lua_pushstring(L, s.fault_mechanism ? s.fault_mechanism : "");
	lua_setfield(L, -2, "fault_mechanism");
	return 1;
}

/* dune.run(f, ...): enter, call f, escape; f's results, or its error
 * raised again once outside.  nil, message, errno when entering fails. */
static int l_run(lua_State *L)
{
	int was_inside = dune_active(), r, status;
	luaL_checkany(L, 1);
	r = dune_enter();
	if (r < 0)
		return result(L, r);
	status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
	if (!was_inside)	/* leave it as it was found */
		dune_escape();
	if (status != LUA_OK)
		return lua_error(L);
	return lua_gettop(L);
}

static Buffer *tobuffer(lua_State *L)
{
	Buffer *b = (Buffer *)luaL_checkudata(L, 1, BUFFER);
	if (b->p == NULL)
		luaL_error(L, "attempt to use a closed buffer");
	return b;
}

static int l_buffer(lua_State *L)
{
	lua_Integer n = luaL_checkinteger(L, 1);
	Buffer *b;
	luaL_argcheck(L, n > 0 && n <= (1 << 20), 1, "page count out of range");
	b = (Buffer *)lua_newuserdatauv(L, sizeof(Buffer), 0);
	b->p = NULL;
	b->npages = (size_t)n;
	luaL_setmetatable(L, BUFFER);
	b->p = dune_alloc_pages((size_t)n * PAGE);
	if (!b->p)
		return result(L, -ENOMEM);
	return 1;
}

/* __gc and __close: release the pages once. */
static int b_gc(lua_State *L)
{
	Buffer *b = (Buffer *)luaL_checkudata(L, 1, BUFFER);
	if (b->p) {
		dune_free_pages(b->p, b->npages * PAGE);
		b->p = NULL;
	}
	return 0;
}

static size_t check_span(lua_State *L, Buffer *b, int arg, size_t len)
{
	lua_Integer off = luaL_checkinteger(L, arg);
	luaL_argcheck(L, off >= 0 && (size_t)off <= b->npages * PAGE &&
		      len <= b->npages * PAGE - (size_t)off, arg, "out of the buffer");
	return (size_t)off;
}

/* b:read(offset, length) -> string */
static int b_read(lua_State *L)
{
	Buffer *b = tobuffer(L);
	lua_Integer len = luaL_checkinteger(L, 3);
	luaL_argcheck(L, len >= 0, 3, "negative length");
	size_t off = check_span(L, b, 2, (size_t)len);
	lua_pushlstring(L, b->p + off, (size_t)len);
	return 1;
}

/* b:write(offset, string) -> true */
static int b_write(lua_State *L)
{
	Buffer *b = tobuffer(L);
	size_t len;
	const char *s = luaL_checklstring(L, 3, &len);
	size_t off = check_span(L, b, 2, len);
	memcpy(b->p + off, s, len);
	lua_pushboolean(L, 1);
	return 1;
}

/* b:protect(mode [, first_page, npages]): mode "r", "rw" or "none";
 * pages are 1-based like Lua indices. */
static int b_protect(lua_State *L)
{
	static const char *const names[] = { "none", "r", "rw", NULL };
	static const int prots[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE };
	Buffer *b = tobuffer(L);
	int mode = luaL_checkoption(L, 2, NULL, names);
	lua_Integer first = luaL_optinteger(L, 3, 1);
	lua_Integer n = luaL_optinteger(L, 4, (lua_Integer)b->npages - first + 1);
	luaL_argcheck(L, first >= 1 && (size_t)first <= b->npages, 3, "page out of the buffer");
	luaL_argcheck(L, n >= 1 && (size_t)(first - 1 + n) <= b->npages, 4, "too many pages");
	return result(L, dune_vm_protect(b->p + (first - 1) * PAGE, (size_t)n * PAGE,
					 prots[mode]));
}

/* b:dirty([clear]) / b:young([clear]) -> { page indices } */
static int collect(lua_State *L, long (*fn)(void *, size_t, uint64_t *, unsigned))
{
	Buffer *b = tobuffer(L);
	unsigned flags = lua_toboolean(L, 2) ? DUNE_CLEAR : 0;
	size_t words = (b->npages + 63) / 64;
	uint64_t *bits = (uint64_t *)lua_newuserdatauv(L, words * sizeof(uint64_t), 0);
	long n = fn(b->p, b->npages * PAGE, bits, flags);
	lua_Integer k = 1;
	if (n < 0)
		return result(L, (int)n);
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < b->npages; i++)
		if (bits[i / 64] & (1ull << (i % 64))) {
			lua_pushinteger(L, (lua_Integer)i + 1);
			lua_rawseti(L, -2, k++);
		}
	return 1;
}

static int b_dirty(lua_State *L)
{
	return collect(L, dune_dirty_collect);
}

static int b_young(lua_State *L)
{
	return collect(L, dune_young_collect);
}

static int b_pages(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)tobuffer(L)->npages);
	return 1;
}

static int b_len(lua_State *L)
{
	Buffer *b = (Buffer *)luaL_checkudata(L, 1, BUFFER);
	lua_pushinteger(L, b->p ? (lua_Integer)(b->npages * PAGE) : 0);
	return 1;
}

static int b_tostring(lua_State *L)
{
	Buffer *b = (Buffer *)luaL_checkudata(L, 1, BUFFER);
	if (b->p)
		lua_pushfstring(L, "dune.buffer (%p, %d pages)", (void *)b->p, (int)b->npages);
	else
		lua_pushliteral(L, "dune.buffer (closed)");
	return 1;
}

static const luaL_Reg buffer_methods[] = {
	{ "read", b_read }, { "write", b_write }, { "protect", b_protect },
	{ "dirty", b_dirty }, { "young", b_young }, { "pages", b_pages },
	{ "close", b_gc }, { NULL, NULL }
};

static const luaL_Reg buffer_meta[] = {
	{ "__index", NULL }, { "__gc", b_gc }, { "__close", b_gc },
	{ "__len", b_len }, { "__tostring", b_tostring }, { NULL, NULL }
};

static const luaL_Reg dunelib[] = {
	{ "enter", l_enter }, { "escape", l_escape }, { "active", l_active },
	{ "backend", l_backend }, { "stats", l_stats }, { "run", l_run },
	{ "buffer", l_buffer }, { NULL, NULL }
};

static void createmeta(lua_State *L)
{
	luaL_newmetatable(L, BUFFER);
	luaL_setfuncs(L, buffer_meta, 0);
	luaL_newlibtable(L, buffer_methods);
	luaL_setfuncs(L, buffer_methods, 0);
	lua_setfield(L, -2, "__index");
	lua_pop(L, 1);
}

DUNE_API int luaopen_dune(lua_State *L)
{
	luaL_newlib(L, dunelib);
	createmeta(L);
	return 1;
}
