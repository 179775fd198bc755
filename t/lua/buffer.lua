-- buffer.lua: page buffers: read, write, protect, dirty and accessed pages,
-- __close and __gc.
local tap = require "tap"
local dune = require "dune"
tap.plan(14)
local b = dune.buffer(8)
tap.is(b:pages(), 8, "8 pages")
tap.is(#b, 8 * 4096, "length in bytes")
tap.ok(tostring(b):find("dune.buffer"), "tostring")
dune.enter()
tap.is(b:write(0, "hello"), true, "write")
tap.is(b:read(0, 5), "hello", "read back")
b:write(3 * 4096 + 10, "x")
b:dirty(true)                      -- clear
tap.is(#b:dirty(), 0, "clean after clearing")
b:write(2 * 4096, "a")
b:write(6 * 4096 + 100, "b")
local d = b:dirty()
tap.ok(#d == 2 and d[1] == 3 and d[2] == 7, "dirty pages 3 and 7 (1-based): " ..
       table.concat(d, ","))
tap.ok(#b:dirty(true) == 2 and #b:dirty() == 0, "clear flag clears")
b:young(true)
local _ = b:read(4 * 4096, 1)
local y = b:young()
tap.ok(#y >= 1 and y[1] == 5, "accessed page 5")
tap.is(b:protect("r", 1, 2), true, "protect pages 1-2 read-only")
tap.is(b:protect("rw"), true, "and back")
tap.ok(not pcall(b.read, b, 8 * 4096, 1) and not pcall(b.write, b, -1, "x"),
       "out of the buffer raises an error")
dune.escape()
do
  local c <close> = dune.buffer(1)
  c:write(0, "z")
  closed = c
end
tap.ok(not pcall(closed.read, closed, 0, 1), "a closed buffer refuses use")
local before = collectgarbage("count")
for i = 1, 200 do dune.buffer(16) end
collectgarbage() collectgarbage()
tap.ok(collectgarbage("count") < before + 64, "buffers are collected")
tap.done()
