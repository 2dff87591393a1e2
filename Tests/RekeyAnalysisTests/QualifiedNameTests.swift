import RekeySyntax
import Testing

@testable import RekeyAnalysis

/// A call (marked `↓`) and what its callee denotes through imports; nil when it is not reached
/// through an import, or the import is ambiguous.
struct QualifiedNameCase: CustomTestStringConvertible, Sendable {
    let label: String
    let source: String
    let callee: String?

    var testDescription: String { label }
}

@Suite struct QualifiedNameTests {
    static let spellings: [QualifiedNameCase] = [
        QualifiedNameCase(
            label: "import jax",
            source: """
                import jax
                ↓jax.random.normal(key)
                """, callee: "jax.random.normal"),
        QualifiedNameCase(
            label: "import jax as j",
            source: """
                import jax as j
                ↓j.random.normal(key)
                """, callee: "jax.random.normal"),
        QualifiedNameCase(
            label: "import jax.random as jr",
            source: """
                import jax.random as jr
                ↓jr.normal(key)
                """, callee: "jax.random.normal"),
        QualifiedNameCase(
            label: "from jax import random",
            source: """
                from jax import random
                ↓random.normal(key)
                """, callee: "jax.random.normal"),
        QualifiedNameCase(
            label: "from jax import random as jrandom",
            source: """
                from jax import random as jrandom
                ↓jrandom.normal(key)
                """, callee: "jax.random.normal"),
        QualifiedNameCase(
            label: "from jax.random import split",
            source: """
                from jax.random import split, normal, PRNGKey
                ↓split(key)
                """, callee: "jax.random.split"),
        QualifiedNameCase(
            label: "from jax.random import normal",
            source: """
                from jax.random import split, normal, PRNGKey
                ↓normal(key)
                """, callee: "jax.random.normal"),
        QualifiedNameCase(
            label: "from jax.random import PRNGKey",
            source: """
                from jax.random import split, normal, PRNGKey
                ↓PRNGKey(0)
                """, callee: "jax.random.PRNGKey"),
        QualifiedNameCase(
            label: "from jax.random import (… normal as gauss …)",
            source: """
                from jax.random import (
                    split,
                    normal as gauss,
                )
                ↓gauss(key)
                """, callee: "jax.random.normal"),
        QualifiedNameCase(
            label: "import jax.random, then the full path",
            source: """
                import jax.random
                ↓jax.random.normal(key)
                """, callee: "jax.random.normal"),
        QualifiedNameCase(
            label: "import jax and import jax.random both bind jax",
            source: """
                import jax
                import jax.random
                ↓jax.random.split(key)
                """, callee: "jax.random.split"),
        QualifiedNameCase(
            label: "several modules in one import",
            source: """
                import os, jax.random
                ↓jax.random.split(key)
                """, callee: "jax.random.split"),
        QualifiedNameCase(
            label: "a module import is visible in a function",
            source: """
                import jax.random as jr
                def f(key):
                    return ↓jr.split(key)
                """, callee: "jax.random.split"),
        QualifiedNameCase(
            label: "an import inside a function",
            source: """
                def f(key):
                    import jax.random as jr
                    return ↓jr.split(key)
                """, callee: "jax.random.split"),
        QualifiedNameCase(
            label: "the same import twice is not ambiguous",
            source: """
                try:
                    import jax.random as jr
                except ImportError:
                    import jax.random as jr
                ↓jr.normal(key)
                """, callee: "jax.random.normal"),
        QualifiedNameCase(
            label: "a non-ASCII alias",
            source: """
                import jax.random as 乱数
                ↓乱数.normal(key)
                """, callee: "jax.random.normal"),
        QualifiedNameCase(
            label: "Python's random",
            source: """
                import random
                ↓random.normal(0, 1)
                """, callee: "random.normal"),
        QualifiedNameCase(
            label: "numpy's random",
            source: """
                import numpy as np
                ↓np.random.normal(0)
                """, callee: "numpy.random.normal"),
        QualifiedNameCase(
            label: "a relative import keeps its dots",
            source: """
                from . import random
                ↓random.normal(key)
                """, callee: ".random.normal"),
        QualifiedNameCase(
            label: "a class-body import is visible in the class body",
            source: """
                class A:
                    import jax.random as jr
                    k = ↓jr.PRNGKey(0)
                """, callee: "jax.random.PRNGKey"),

        // Not through an import, or ambiguous: nil.
        QualifiedNameCase(
            label: "an unbound name",
            source: """
                ↓jr.normal(key)
                """, callee: nil),
        QualifiedNameCase(
            label: "a parameter shadows the import",
            source: """
                from jax import random
                def f(random):
                    return ↓random.normal(0)
                """, callee: nil),
        QualifiedNameCase(
            label: "a lambda parameter shadows the import",
            source: """
                import jax.random as jr
                g = lambda jr: ↓jr.normal(0)
                """, callee: nil),
        QualifiedNameCase(
            label: "a local rebinding shadows the import",
            source: """
                from jax import random
                def f():
                    random = make_rng()
                    return ↓random.normal()
                """, callee: nil),
        QualifiedNameCase(
            label: "a module-level rebinding makes the name ambiguous",
            source: """
                from jax import random
                random = make_rng()
                ↓random.normal(key)
                """, callee: nil),
        QualifiedNameCase(
            label: "two different imports make the name ambiguous",
            source: """
                import jax.random as rng
                import numpy.random as rng
                ↓rng.normal(key)
                """, callee: nil),
        QualifiedNameCase(
            label: "jax's random and Python's random are ambiguous",
            source: """
                from jax import random
                import random
                ↓random.normal(key)
                """, callee: nil),
        QualifiedNameCase(
            label: "a conditional fallback import is ambiguous",
            source: """
                try:
                    import jax.random as rng
                except ImportError:
                    rng = None
                ↓rng.normal(key)
                """, callee: nil),
        QualifiedNameCase(
            label: "a for target rebinding the import",
            source: """
                import jax.random as jr
                for jr in modules:
                    ↓jr.normal(key)
                """, callee: nil),
        QualifiedNameCase(
            label: "a class-body import is invisible to methods",
            source: """
                class A:
                    import jax.random as jr
                    def m(self, key):
                        return ↓jr.normal(key)
                """, callee: nil),
        QualifiedNameCase(
            label: "a local function with the same name",
            source: """
                from jax.random import normal
                def f(key):
                    def normal(k):
                        return k
                    return ↓normal(key)
                """, callee: nil),
        QualifiedNameCase(
            label: "the inner call of a chain",
            source: """
                import jax
                ↓jax.random.split(key)[0].normal()
                """, callee: "jax.random.split"),
        QualifiedNameCase(
            label: "an attribute of a subscript has no qualified name",
            source: """
                import jax
                modules = [jax]
                ↓modules[0].random.normal(key)
                """, callee: nil),
    ]

    @Test(arguments: spellings)
    func resolvesTheCallee(_ example: QualifiedNameCase) throws {
        let analysis = try Analysis(example.source)
        #expect(try analysis.calleeName() == example.callee)
    }

    @Test func theNameOfAModuleAttributeThatIsNotCalled() throws {
        let analysis = try Analysis(
            """
            import jax.random as jr
            f = jr.normal
            """)
        let attribute = try #require(analysis.model.attributes.first)
        #expect(attribute.attribute.text == "jr.normal")
        #expect(analysis.model.qualifiedName(of: attribute.attribute, in: attribute.scope) == "jax.random.normal")
    }

    @Test func literalsAndSubscriptsHaveNoQualifiedName() throws {
        let analysis = try Analysis("import jax\nx = [jax][0]\ny = 'jax'\n")
        for statement in analysis.model.tree.root.namedChildren.dropFirst() {
            let right = try #require(statement.namedChildren.first?.child(.right))
            #expect(analysis.model.qualifiedName(of: right, in: analysis.model.moduleScope) == nil)
        }
    }
}
