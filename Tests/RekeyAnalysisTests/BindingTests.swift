import RekeySyntax
import Testing

@testable import RekeyAnalysis

/// What kind of binding each Python binding statement records, and where.
// `Binding.Kind` is a public enum of strings that its module has not declared Sendable.
struct BindingCase: CustomTestStringConvertible, @unchecked Sendable {
    let label: String
    let source: String
    let name: String
    let scope: String
    let kinds: [Binding.Kind]

    var testDescription: String { label }
}

@Suite struct BindingTests {
    static let cases: [BindingCase] = [
        BindingCase(label: "assignment", source: "x = 1\n", name: "x", scope: "<module>", kinds: [.assignment]),
        BindingCase(
            label: "annotated assignment", source: "x: int = 1\n", name: "x", scope: "<module>",
            kinds: [.assignment]),
        BindingCase(label: "bare annotation", source: "x: int\n", name: "x", scope: "<module>", kinds: [.annotationOnly]),
        BindingCase(
            label: "augmented assignment", source: "x = 0\nx += 1\n", name: "x", scope: "<module>",
            kinds: [.assignment, .augmentedAssignment]),
        BindingCase(
            label: "chained assignment binds both names", source: "a = b = 1\n", name: "b", scope: "<module>",
            kinds: [.assignment]),
        BindingCase(label: "parameter", source: "def f(p):\n    pass\n", name: "p", scope: "f", kinds: [.parameter]),
        BindingCase(
            label: "typed default parameter", source: "def f(p: int = 1):\n    pass\n", name: "p", scope: "f",
            kinds: [.parameter]),
        BindingCase(
            label: "typed star parameter", source: "def f(*p: int):\n    pass\n", name: "p", scope: "f",
            kinds: [.parameter]),
        BindingCase(
            label: "lambda parameter", source: "g = lambda p=1: p\n", name: "p", scope: "<lambda>",
            kinds: [.parameter]),
        BindingCase(
            label: "def binds in the enclosing scope", source: "def f():\n    pass\n", name: "f",
            scope: "<module>", kinds: [.functionDefinition]),
        BindingCase(
            label: "decorated def binds in the enclosing scope", source: "@d\ndef f():\n    pass\n", name: "f",
            scope: "<module>", kinds: [.functionDefinition]),
        BindingCase(
            label: "class", source: "class C:\n    pass\n", name: "C", scope: "<module>",
            kinds: [.classDefinition]),
        BindingCase(
            label: "method binds in the class body", source: "class C:\n    def m(self):\n        pass\n",
            name: "m", scope: "C", kinds: [.functionDefinition]),
        BindingCase(
            label: "for target", source: "for i in r:\n    pass\n", name: "i", scope: "<module>",
            kinds: [.loopTarget]),
        BindingCase(
            label: "async for target", source: "async def f(r):\n    async for i in r:\n        pass\n",
            name: "i", scope: "f", kinds: [.loopTarget]),
        BindingCase(
            label: "comprehension target", source: "y = [i for i in r]\n", name: "i", scope: "<comprehension>",
            kinds: [.loopTarget]),
        BindingCase(
            label: "with target", source: "with a as w:\n    pass\n", name: "w", scope: "<module>",
            kinds: [.withTarget]),
        BindingCase(
            label: "async with target", source: "async def f(a):\n    async with a as w:\n        pass\n",
            name: "w", scope: "f", kinds: [.withTarget]),
        BindingCase(
            label: "except target", source: "try:\n    pass\nexcept E as e:\n    pass\n", name: "e",
            scope: "<module>", kinds: [.exceptTarget]),
        BindingCase(label: "walrus", source: "if (w := 1):\n    pass\n", name: "w", scope: "<module>", kinds: [.walrus]),
        BindingCase(
            label: "walrus in a comprehension", source: "def f(r):\n    [w for i in r if (w := i)]\n",
            name: "w", scope: "f", kinds: [.walrus]),
        BindingCase(
            label: "match capture", source: "match p:\n    case [a, *rest]:\n        pass\n", name: "rest",
            scope: "<module>", kinds: [.patternCapture]),
        BindingCase(
            label: "match as-capture", source: "match p:\n    case int() as n:\n        pass\n", name: "n",
            scope: "<module>", kinds: [.patternCapture]),
        BindingCase(
            label: "match wildcard binds nothing", source: "match p:\n    case [_, a]:\n        pass\n",
            name: "_", scope: "<module>", kinds: []),
        BindingCase(
            label: "match keyword binds nothing", source: "match p:\n    case P(x=a):\n        pass\n",
            name: "x", scope: "<module>", kinds: []),
        BindingCase(
            label: "match dotted value binds nothing", source: "match p:\n    case Color.RED:\n        pass\n",
            name: "Color", scope: "<module>", kinds: []),
        BindingCase(label: "del", source: "x = 1\ndel x\n", name: "x", scope: "<module>", kinds: [.assignment, .deletion]),
        BindingCase(
            label: "import binds the first component", source: "import jax.random\n", name: "jax",
            scope: "<module>", kinds: [.importedModule("jax")]),
        BindingCase(
            label: "import as binds the alias to the whole module", source: "import jax.random as jr\n",
            name: "jr", scope: "<module>", kinds: [.importedModule("jax.random")]),
        BindingCase(
            label: "from-import binds the member", source: "from jax import random\n", name: "random",
            scope: "<module>", kinds: [.importedMember("jax.random")]),
        BindingCase(
            label: "from-import as binds the alias", source: "from jax.random import normal as gauss\n",
            name: "gauss", scope: "<module>", kinds: [.importedMember("jax.random.normal")]),
        BindingCase(
            label: "parenthesised from-import", source: "from jax.random import (\n    split,\n    key,\n)\n",
            name: "key", scope: "<module>", kinds: [.importedMember("jax.random.key")]),
        BindingCase(
            label: "relative from-import keeps its dots", source: "from . import sibling\n", name: "sibling",
            scope: "<module>", kinds: [.importedMember(".sibling")]),
        BindingCase(
            label: "relative from-import of a member keeps its dots", source: "from ..pkg.mod import thing\n",
            name: "thing", scope: "<module>", kinds: [.importedMember("..pkg.mod.thing")]),
        BindingCase(
            label: "type parameters bind nothing", source: "def f[T](x: T) -> T:\n    return x\n", name: "T",
            scope: "f", kinds: []),
    ]

    @Test(arguments: cases)
    func recordsTheBindingKind(_ example: BindingCase) throws {
        let analysis = try Analysis(example.source)
        #expect(try analysis.bindingKinds(example.name, in: example.scope) == example.kinds)
    }

    @Test func bindingsKeepTheirNameNodeSiteAndValue() throws {
        let analysis = try Analysis(
            """
            import jax
            key = jax.random.PRNGKey(0)
            a, b = 1, 2
            """)
        let key = try #require(analysis.model.moduleScope.bindings["key"]?.first)
        #expect(key.nameNode.text == "key")
        #expect(key.site.kind == "assignment")
        #expect(key.value?.kind == "call")
        #expect(key.value?.text == "jax.random.PRNGKey(0)")
        #expect(key.importedName == nil)
        // Tuple targets have no single value.
        #expect(analysis.model.moduleScope.bindings["a"]?.first?.value == nil)
        let jax = try #require(analysis.model.moduleScope.bindings["jax"]?.first)
        #expect(jax.importedName == "jax")
        #expect(jax.site.kind == "import_statement")
    }

    @Test func aParameterBindingPointsAtItsParameter() throws {
        let analysis = try Analysis("def f(a, key: int = 0):\n    pass\n")
        let key = try #require(analysis.scope("f").bindings["key"]?.first)
        #expect(key.nameNode.text == "key")
        #expect(key.site.kind == "typed_default_parameter")
    }

    @Test
    func chainedAssignmentGivesEveryNameTheValue() throws {
        let analysis = try Analysis("import jax\nkey = backup = jax.random.PRNGKey(0)\n")
        let key = try #require(analysis.model.moduleScope.bindings["key"]?.first)
        #expect(key.value?.kind == "call")
        let backup = try #require(analysis.model.moduleScope.bindings["backup"]?.first)
        #expect(backup.value?.kind == "call")
    }
}
