-- basic.lua: the dune module's functions, their results and their errors.
local tap = require "tap"
local dune = require "dune"
tap.plan(14)
tap.ok(type(dune.backend()) == "string", "backend: " .. dune.backend())
tap.is(dune.active(), false, "outside at first")
tap.is(dune.escape(), true, "escape outside returns true")
tap.is(dune.enter(), true, "enter returns true")
tap.is(dune.active(), true, "active inside")
tap.is(dune.enter(), true, "enter inside is a no-op returning true")
tap.is(dune.escape(), true, "escape")
tap.is(dune.active(), false, "outside again")
local s = dune.stats()
tap.ok(type(s) == "table" and s.enters >= 1 and s.escapes >= 1 and
       type(s.exits_by_reason) == "table" and s.exits_by_reason.syscall ~= nil,
       "stats is a table: enters " .. tostring(s.enters))
local a, b, c = dune.run(function(x, y) return dune.active(), x + y, "r" end, 2, 3)
tap.ok(a == true and b == 5 and c == "r" and not dune.active(),
       "run calls f inside and returns its results outside")
local ok, err = pcall(dune.run, function() error("boom") end)
tap.ok(not ok and tostring(err):find("boom") and not dune.active(),
       "run re-raises f's error after escaping")
dune.enter()
dune.run(function() end)
tap.ok(dune.active(), "run inside leaves the caller inside")
dune.escape()
tap.ok(not pcall(dune.buffer, 0) and not pcall(dune.buffer, "x"),
       "bad arguments raise errors")
local buf = dune.buffer(2)
tap.ok(not pcall(buf.protect, buf, "rwx"), "an unknown protection raises an error")
tap.done()
