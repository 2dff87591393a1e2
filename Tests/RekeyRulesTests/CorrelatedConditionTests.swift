import RekeyRules
import Testing

/// Issue 8, item 4: the same condition tested twice, with nothing rebinding it in between, takes
/// the same side both times. A key consumed once under `if flag:` and once under `if not flag:`
/// (or in the `else` of a nested `if flag:`) is consumed once on every run.
@Suite("Correlated conditions")
struct CorrelatedConditionTests {
    func codes(_ source: String) throws -> [RuleCode] {
        try Snippet(source).check().findings.filter { KeyInspectionTests.reuseCodes.contains($0.code) }.map(\.code)
    }

    @Test(arguments: [
        ("flag", "not flag"),
        ("not flag", "flag"),
        ("self.training", "not self.training"),
        ("(not cfg.model.dropout)", "cfg.model.dropout"),
    ])
    func oppositeSidesOfOneConditionConsumeOnce(first: String, second: String) throws {
        #expect(
            try codes(
                """
                import jax


                def noise(self, key, flag, cfg, x):
                    if \(first):
                        x = x + jax.random.normal(key, x.shape)
                    y = x * 2
                    if \(second):
                        x = x + jax.random.uniform(key, x.shape)
                    return x, y

                """) == [])
    }

    @Test func nestedTestOfTheSameConditionTakesItsOwnSide() throws {
        #expect(
            try codes(
                """
                import jax


                def noise(key, flag, x):
                    if flag:
                        x = x + jax.random.normal(key, x.shape)
                    else:
                        if flag:
                            x = x + jax.random.uniform(key, x.shape)
                        x = x + jax.random.gumbel(key, x.shape)
                    return x

                """) == [])
    }

    /// An early exit under the condition: the paths that go on took the other side.
    @Test func earlyReturnUnderTheConditionThenItsTestAgain() throws {
        #expect(
            try codes(
                """
                import jax


                def noise(key, deterministic, x):
                    if deterministic:
                        return x + jax.random.normal(key, x.shape)
                    for _ in range(3):
                        if deterministic:
                            x = x + jax.random.normal(key, x.shape)
                    return x

                """) == [])
    }

    /// Rebinding the condition (or mutating the object tested) between the tests unties them;
    /// the same side twice, or a test of a different condition, is still a reuse.
    @Test(arguments: [
        "flag = not flag",
        "flag, other = other, flag",
        "for flag in (True, False):\n        pass",
        "flag += 1",
    ])
    func reboundConditionIsTestedAfresh(rebinding: String) throws {
        #expect(
            try codes(
                """
                import jax


                def noise(key, flag, other, x):
                    if flag:
                        x = x + jax.random.normal(key, x.shape)
                    \(rebinding)
                    if not flag:
                        x = x + jax.random.uniform(key, x.shape)
                    return x

                """) == ["RK004"])
    }

    @Test func mutatedContainerIsTestedAfresh() throws {
        #expect(
            try codes(
                """
                import jax


                def drain(key, queue, x):
                    if queue:
                        x = x + jax.random.normal(key, x.shape)
                    queue.clear()
                    if not queue:
                        x = x + jax.random.uniform(key, x.shape)
                    return x

                """) == ["RK004"])
    }

    @Test(arguments: [("flag", "flag"), ("flag", "other"), ("flag and other", "not (flag and other)")])
    func sameSideOrAnotherConditionStillReuses(first: String, second: String) throws {
        #expect(
            try codes(
                """
                import jax


                def noise(key, flag, other, x):
                    if \(first):
                        x = x + jax.random.normal(key, x.shape)
                    if \(second):
                        x = x + jax.random.uniform(key, x.shape)
                    return x

                """) == ["RK004"])
    }

    /// Loops counting to the same `n` run together or not at all: the split's used-up key is
    /// read only by a loop that runs when the first one did, which always rebinds it.
    @Test(arguments: [
        "for _ in range(n):",
        "for _ in range(self.n):",
        "for k in jax.random.split(rng, n):",
        "if n > 0:",
        "if 0 < n:",
    ])
    func loopsCountingToOneNumberRunTogether(second: String) throws {
        let count = second.contains("self.n") ? "self.n" : "n"
        #expect(
            try codes(
                """
                import jax


                def draw(self, key, rng, n):
                    for step_key in jax.random.split(key, \(count)):
                        key = jax.random.fold_in(step_key, 0)
                    \(second)
                        key, draw_key = jax.random.split(key)
                        x = jax.random.normal(draw_key)
                    return key

                """) == [])
    }

    @Test func countedUpWhileRunsWithTheLoopOverTheSameCount() throws {
        #expect(
            try codes(
                """
                import jax


                def draw(key, n):
                    for step_key in jax.random.split(key, n):
                        key = jax.random.fold_in(step_key, 0)
                    i = 0
                    while i < n:
                        i += 1
                        x = jax.random.normal(key)
                        key = jax.random.fold_in(key, i)
                    return key

                """) == [])
    }

    /// What breaks the link: another count, the count rebound between the loops, a `while`
    /// whose counter does not start at 0, and the paths leaving `while n > 0:` after iterations
    /// (whatever made the test false is not seen, so a later test of it may go either way).
    @Test(arguments: [
        ("for _ in range(m):", ""),
        ("for _ in range(n):", "n = n + 1"),
        ("while i < n:", "i = 1"),
    ])
    func loopsNotTiedToOneCountStillReuse(second: String, between: String) throws {
        #expect(
            try codes(
                """
                import jax


                def draw(key, n, m, i):
                    for step_key in jax.random.split(key, n):
                        key = jax.random.fold_in(step_key, 0)
                    \(between)
                    \(second)
                        key, draw_key = jax.random.split(key)
                        x = jax.random.normal(draw_key)
                        i += 1
                    return key

                """) == ["RK006"])
    }

    /// `while flag:` runs only on paths where `flag` may hold: not after `if not flag:` drew.
    @Test(arguments: [("flag", [RuleCode]()), ("other", ["RK004"])])
    func whileRunsOnlyWhereItsConditionMayHold(condition: String, expected: [RuleCode]) throws {
        #expect(
            try codes(
                """
                import jax


                def draw(key, flag, other):
                    if not flag:
                        x = jax.random.normal(key)
                    while \(condition):
                        y = jax.random.uniform(key)
                        break
                    return key

                """) == expected)
    }
}
