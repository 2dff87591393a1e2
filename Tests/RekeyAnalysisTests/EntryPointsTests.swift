import RekeySyntax
import Testing

@testable import RekeyAnalysis

/// A function (by qualified name) and whether a launcher runs it.
struct EntryPointCase: CustomTestStringConvertible, Sendable {
    let label: String
    let source: String
    let function: String
    let isEntryPoint: Bool

    var testDescription: String { label }
}

@Suite struct EntryPointsTests {
    // MARK: __main__ blocks

    @Test(arguments: [
        "__name__ == \"__main__\"",
        "__name__ == '__main__'",
        "\"__main__\" == __name__",
        "'__main__' == __name__",
        "__name__=='__main__'",
    ])
    func mainGuardsInEverySpelling(_ condition: String) throws {
        let analysis = try Analysis(
            """
            import jax
            def run():
                pass
            if \(condition):
                key = ↓jax.random.PRNGKey(0)
                run()
            """)
        let blocks = analysis.model.mainBlocks
        try #require(blocks.count == 1)
        #expect(blocks[0].kind == "block")
        #expect(blocks[0].text.hasPrefix("key = jax.random.PRNGKey(0)"))
        let (call, scope) = try analysis.call()
        #expect(analysis.model.entryPoint(containing: call, in: scope) == .mainBlock(block: blocks[0]))
        #expect(EntryPoint.mainBlock(block: blocks[0]).block == blocks[0])
    }

    @Test(arguments: [
        "__name__ != \"__main__\"",
        "__name__ == \"main\"",
        "__name__ == \"__main__.py\"",
        "name == \"__main__\"",
        "__name__ is \"__main__\"",
        "__name__ == \"__main__\" and debug",
        "__name__ == \"__main__\" == other",
        "__main__ == __name__",
    ])
    func otherConditionsAreNotMainGuards(_ condition: String) throws {
        let analysis = try Analysis("if \(condition):\n    pass\n")
        #expect(analysis.model.mainBlocks.isEmpty)
    }

    @Test func aGuardInsideAFunctionIsNotAMainBlock() throws {
        let analysis = try Analysis(
            """
            def f():
                if __name__ == "__main__":
                    pass
            """)
        #expect(analysis.model.mainBlocks.isEmpty)
    }

    @Test func severalMainBlocksAreAllFound() throws {
        let analysis = try Analysis(
            """
            if __name__ == "__main__":
                a = 1
            x = 2
            if __name__ == '__main__':
                b = 2
            """)
        #expect(analysis.model.mainBlocks.map(\.text) == ["a = 1", "b = 2"])
    }

    @Test func moduleCodeOutsideTheMainBlockHasNoEntryPoint() throws {
        let analysis = try Analysis(
            """
            import jax
            key = ↓jax.random.PRNGKey(0)
            if __name__ == "__main__":
                pass
            """)
        let (call, scope) = try analysis.call()
        #expect(analysis.model.entryPoint(containing: call, in: scope) == nil)
    }

    @Test func aClassBodyInsideTheMainBlockIsNotTheMainBlock() throws {
        let analysis = try Analysis(
            """
            import jax
            if __name__ == "__main__":
                class Config:
                    key = ↓jax.random.PRNGKey(0)
            """)
        let (call, scope) = try analysis.call()
        #expect(analysis.model.entryPoint(containing: call, in: scope) == nil)
    }

    // MARK: Launcher-run functions

    static let functions: [EntryPointCase] = [
        EntryPointCase(
            label: "module-level test function",
            source: """
                def test_split():
                    pass
                """, function: "test_split", isEntryPoint: true),
        EntryPointCase(
            label: "module-level helper",
            source: """
                def helper():
                    pass
                """, function: "helper", isEntryPoint: false),
        EntryPointCase(
            label: "async test function",
            source: """
                async def test_split():
                    pass
                """, function: "test_split", isEntryPoint: true),
        EntryPointCase(
            label: "test method in a Test* class",
            source: """
                class TestKeys:
                    def test_split(self):
                        pass
                """, function: "TestKeys.test_split", isEntryPoint: true),
        EntryPointCase(
            label: "helper method in a Test* class",
            source: """
                class TestKeys:
                    def make_key(self):
                        pass
                """, function: "TestKeys.make_key", isEntryPoint: false),
        EntryPointCase(
            label: "test-named method in an ordinary class",
            source: """
                class Keys:
                    def test_split(self):
                        pass
                """, function: "Keys.test_split", isEntryPoint: false),
        EntryPointCase(
            label: "unittest.TestCase test method",
            source: """
                import unittest
                class KeyChecks(unittest.TestCase):
                    def test_split(self):
                        pass
                """, function: "KeyChecks.test_split", isEntryPoint: true),
        EntryPointCase(
            label: "unittest.TestCase setUp",
            source: """
                import unittest
                class KeyChecks(unittest.TestCase):
                    def setUp(self):
                        pass
                """, function: "KeyChecks.setUp", isEntryPoint: true),
        EntryPointCase(
            label: "unittest.TestCase setUpClass",
            source: """
                import unittest
                class KeyChecks(unittest.TestCase):
                    @classmethod
                    def setUpClass(cls):
                        pass
                """, function: "KeyChecks.setUpClass", isEntryPoint: true),
        EntryPointCase(
            label: "unittest.TestCase helper",
            source: """
                import unittest
                class KeyChecks(unittest.TestCase):
                    def make_key(self):
                        pass
                """, function: "KeyChecks.make_key", isEntryPoint: false),
        EntryPointCase(
            label: "setUp in an ordinary class",
            source: """
                class Keys:
                    def setUp(self):
                        pass
                """, function: "Keys.setUp", isEntryPoint: false),
        EntryPointCase(
            label: "TestCase imported by name",
            source: """
                from unittest import TestCase
                class KeyChecks(TestCase):
                    def setUp(self):
                        pass
                """, function: "KeyChecks.setUp", isEntryPoint: true),
        EntryPointCase(
            label: "absltest.TestCase",
            source: """
                from absl.testing import absltest
                class KeyChecks(absltest.TestCase):
                    def test_split(self):
                        pass
                """, function: "KeyChecks.test_split", isEntryPoint: true),
        EntryPointCase(
            label: "TestCase among several bases",
            source: """
                import unittest
                class KeyChecks(Mixin, unittest.TestCase):
                    def test_split(self):
                        pass
                """, function: "KeyChecks.test_split", isEntryPoint: true),
        EntryPointCase(
            label: "pytest.fixture",
            source: """
                import pytest
                @pytest.fixture
                def key():
                    pass
                """, function: "key", isEntryPoint: true),
        EntryPointCase(
            label: "pytest.fixture(scope=...)",
            source: """
                import pytest
                @pytest.fixture(scope="module")
                def key():
                    pass
                """, function: "key", isEntryPoint: true),
        EntryPointCase(
            label: "fixture imported from pytest",
            source: """
                from pytest import fixture
                @fixture()
                def key():
                    pass
                """, function: "key", isEntryPoint: true),
        EntryPointCase(
            label: "fixture method in a test class",
            source: """
                import pytest
                class TestKeys:
                    @pytest.fixture
                    def key(self):
                        pass
                """, function: "TestKeys.key", isEntryPoint: true),
        EntryPointCase(
            label: "some other decorator",
            source: """
                import functools
                @functools.cache
                def key():
                    pass
                """, function: "key", isEntryPoint: false),
        EntryPointCase(
            label: "a fixture of another library",
            source: """
                import other
                @other.fixture
                def key():
                    pass
                """, function: "key", isEntryPoint: false),
        EntryPointCase(
            label: "module-level main",
            source: """
                def main():
                    pass
                """, function: "main", isEntryPoint: true),
        EntryPointCase(
            label: "main method",
            source: """
                class App:
                    def main(self):
                        pass
                """, function: "App.main", isEntryPoint: false),
        EntryPointCase(
            label: "nested main",
            source: """
                def run():
                    def main():
                        pass
                """, function: "run.main", isEntryPoint: false),
        EntryPointCase(
            label: "test function nested in a test",
            source: """
                def test_outer():
                    def test_inner():
                        pass
                """, function: "test_outer.test_inner", isEntryPoint: false),
        EntryPointCase(
            label: "helper nested in a test",
            source: """
                def test_outer():
                    def helper():
                        pass
                """, function: "test_outer.helper", isEntryPoint: false),
    ]

    @Test(arguments: functions)
    func launcherRunFunctions(_ example: EntryPointCase) throws {
        let analysis = try Analysis(example.source)
        #expect(try analysis.model.isEntryPointFunction(analysis.scope(example.function)) == example.isEntryPoint)
    }

    @Test func aClassOrLambdaIsNeverAnEntryPointFunction() throws {
        let analysis = try Analysis(
            """
            class TestKeys:
                pass
            test_lambda = lambda: 0
            """)
        for scope in analysis.model.scopes {
            #expect(!analysis.model.isEntryPointFunction(scope), "\(scope.qualifiedName)")
        }
    }

    @Test func codeInATestRunsInTheTest() throws {
        let analysis = try Analysis(
            """
            import jax
            def test_sampling():
                key = ↓jax.random.PRNGKey(0)
                xs = [↓jax.random.normal(key) for _ in range(3)]
            """)
        let test = try analysis.scope("test_sampling")
        for marker in 0..<2 {
            let (call, scope) = try analysis.call(marker)
            #expect(analysis.model.entryPoint(containing: call, in: scope) == .function(test))
        }
        #expect(EntryPoint.function(test).block == test.node.child(.body))
    }

    @Test func aHelperNestedInATestIsNotAnEntryPoint() throws {
        let analysis = try Analysis(
            """
            import jax
            def test_sampling():
                def helper():
                    return ↓jax.random.PRNGKey(0)
                return helper()
            """)
        let (call, scope) = try analysis.call()
        #expect(scope.qualifiedName == "test_sampling.helper")
        #expect(analysis.model.entryPoint(containing: call, in: scope) == nil)
    }

    @Test func codeInAnOrdinaryFunctionHasNoEntryPoint() throws {
        let analysis = try Analysis(
            """
            import jax
            def make():
                return ↓jax.random.PRNGKey(0)
            if __name__ == "__main__":
                make()
            """)
        let (call, scope) = try analysis.call()
        #expect(analysis.model.entryPoint(containing: call, in: scope) == nil)
    }

    @Test func entryPointsCompareByIdentity() throws {
        let analysis = try Analysis(
            """
            def test_a():
                pass
            def test_b():
                pass
            """)
        let a = try analysis.scope("test_a")
        let b = try analysis.scope("test_b")
        #expect(EntryPoint.function(a) == .function(a))
        #expect(EntryPoint.function(a) != .function(b))
        #expect(Set([EntryPoint.function(a), .function(a), .function(b)]).count == 2)
    }

    // MARK: Decorators

    @Test func decoratorNamesAreResolvedThroughImports() throws {
        let analysis = try Analysis(
            """
            import jax
            import functools as ft
            from pytest import fixture
            class A:
                @staticmethod
                @jax.jit
                @ft.partial(jax.vmap, in_axes=0)
                @fixture(scope="module")
                def m(x):
                    pass
                def plain(self):
                    pass
            """)
        #expect(
            try analysis.model.decoratorNames(of: analysis.scope("A.m"))
                == ["staticmethod", "jax.jit", "functools.partial", "pytest.fixture"])
        #expect(try analysis.model.decoratorNames(of: analysis.scope("A.plain")).isEmpty)
    }

    // MARK: Known bugs

    @Test
    func aParenthesisedMainGuard() throws {
        let analysis = try Analysis("if (__name__ == '__main__'):\n    pass\n")
        #expect(analysis.model.mainBlocks.count == 1)
    }

    @Test
    func setUpModuleIsAnEntryPoint() throws {
        let analysis = try Analysis(
            """
            import unittest
            def setUpModule():
                pass
            class KeyChecks(unittest.TestCase):
                pass
            """)
        #expect(try analysis.model.isEntryPointFunction(analysis.scope("setUpModule")))
    }
}
