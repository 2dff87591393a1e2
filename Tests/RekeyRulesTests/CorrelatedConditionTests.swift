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
}
