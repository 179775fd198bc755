# bindings-lua/local.mk — the "dune" Lua 5.4 module (lua5.4 -l dune).
if HAVE_LUA
luacmoddir = $(LUA_CMOD_DIR)
luacmod_LTLIBRARIES = bindings-lua/dune.la
bindings_lua_dune_la_SOURCES = bindings-lua/ldune.c
bindings_lua_dune_la_CPPFLAGS = $(AM_CPPFLAGS) $(LUA_CFLAGS)
bindings_lua_dune_la_LIBADD = libdune/libdune.la
bindings_lua_dune_la_LDFLAGS = -module -avoid-version -shared -no-undefined
endif
