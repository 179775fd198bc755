-- script.lua: a script keeps working unchanged inside dune: strings and
-- tables, coroutines, io, os.time and os.clock, require, errors and pcall,
-- the collector; and a workload prints the same inside as outside.
local tap = require "tap"
local dune = require "dune"
tap.plan(9)

local function workload()
  local out = {}
  local t = {}
  for i = 1, 2000 do t[i] = string.format("%05d:%s", i, string.rep("ab", i % 7)) end
  table.sort(t, function(a, b) return a:reverse() < b:reverse() end)
  out[#out + 1] = t[1] .. "|" .. t[#t]
  local co = coroutine.wrap(function(n) for i = 1, n do coroutine.yield(i * i) end end)
  local s = 0
  for _ = 1, 10 do s = s + co(10) end
  out[#out + 1] = tostring(s)
  out[#out + 1] = string.format("%.6f", math.sqrt(2) * math.pi)
  local ok, err = pcall(function() error({ code = 42 }) end)
  out[#out + 1] = tostring(not ok and err.code)
  return table.concat(out, "\n")
end

local outside = workload()
dune.enter()
local inside = workload()
local active = dune.active()
dune.escape()
tap.ok(active, "ran inside")
tap.is(inside, outside, "same output inside and outside")

dune.enter()
local t0 = os.time()
local c0 = os.clock()
local f = assert(io.open(os.tmpname(), "w+"))
f:write("line one\nline two\n")
f:seek("set")
local l1, l2 = f:read("l", "l")
f:close()
io.write("# written inside with io.write\n")
local str = require "string"
for i = 1, 50000 do local _ = { i, tostring(i) } end
collectgarbage()
local mem = collectgarbage("count")
local ok, msg = pcall(error, "inside")
local still = dune.active()
dune.escape()
tap.ok(t0 >= os.time() - 2 and t0 <= os.time(), "os.time inside")
tap.ok(c0 >= 0 and os.clock() >= c0, "os.clock inside")
tap.ok(l1 == "line one" and l2 == "line two", "io.open, write, seek, read inside")
tap.ok(str == string, "require inside")
tap.ok(mem > 0, "the collector runs inside")
tap.ok(not ok and msg == "inside", "errors and pcall inside")
tap.ok(still, "still inside after all that")
tap.done()
