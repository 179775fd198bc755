-- tap.lua: a tiny Test Anything Protocol helper for the Lua tests.
local tap = { count = 0, failed = 0 }

function tap.plan(n) io.write("1..", n, "\n") tap.planned = n end

function tap.skip_all(why) io.write("1..0 # SKIP ", why, "\n") os.exit(0) end

function tap.ok(cond, name)
  tap.count = tap.count + 1
  if not cond then tap.failed = tap.failed + 1 end
  io.write(cond and "ok " or "not ok ", tap.count, " - ", name, "\n")
  return cond
end

function tap.is(got, want, name)
  local ok = tap.ok(got == want, name)
  if not ok then io.write("#   got ", tostring(got), ", want ", tostring(want), "\n") end
  return ok
end

function tap.done()
  io.flush()
  os.exit(tap.failed == 0 and tap.count == (tap.planned or tap.count))
end

return tap
