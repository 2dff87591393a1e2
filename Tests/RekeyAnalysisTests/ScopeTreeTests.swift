import RekeySyntax
import Testing

@testable import RekeyAnalysis

/// The scope tree, and the calls and attribute reads the model records with their scopes.
@Suite struct ScopeTreeTests {
    static let source = """
        import jax
        class Encoder:
            def __init__(self, seed):
                self.key = jax.random.PRNGKey(seed)
            def encode(self, xs):
                return [self.step(x) for x in xs]
        def make(n):
            scale = lambda v: v * n
            def inner():
                return {k: k for k in range(n)}
            return inner
        """

    @Test func scopesHaveKindsNamesAndParents() throws {
        let analysis = try Analysis(Self.source)
        let model = analysis.model
        #expect(model.moduleScope.kind == .module)
        #expect(model.moduleScope.parent == nil)
        #expect(model.moduleScope.qualifiedName == "<module>")
        #expect(
            model.scopes.map(\.qualifiedName) == [
                "<module>", "Encoder", "Encoder.__init__", "Encoder.encode", "Encoder.encode.<comprehension>",
                "make", "make.<lambda>", "make.inner", "make.inner.<comprehension>",
            ])
        #expect(
            model.scopes.map(\.kind) == [
                .module, .classBody, .function, .function, .comprehension, .function, .lambda, .function, .comprehension,
            ])
        #expect(try analysis.scope("Encoder.__init__").parent === (try analysis.scope("Encoder")))
        #expect(try analysis.scope("Encoder").name == "Encoder")
        #expect(try analysis.scope("make.<lambda>").name == nil)
        #expect(model.moduleScope.children.map(\.qualifiedName) == ["Encoder", "make"])
        #expect(model.moduleScope.descendants.count == model.scopes.count - 1)
        #expect(
            try analysis.scope("make").descendants.map(\.qualifiedName)
                == ["make.<lambda>", "make.inner", "make.inner.<comprehension>"])
    }

    @Test func enclosingFunctionStopsAtClassesAndTheModule() throws {
        let analysis = try Analysis(Self.source)
        let make = try analysis.scope("make")
        #expect(try analysis.scope("make.<lambda>").enclosingFunction === make)
        #expect(try analysis.scope("make.inner.<comprehension>").enclosingFunction === (try analysis.scope("make.inner")))
        #expect(make.enclosingFunction === make)
        #expect(try analysis.scope("Encoder").enclosingFunction == nil)
        #expect(analysis.model.moduleScope.enclosingFunction == nil)
        #expect(try analysis.scope("make").isFunctionLike)
        #expect(try analysis.scope("make.<lambda>").isFunctionLike)
        #expect(try !analysis.scope("Encoder.encode.<comprehension>").isFunctionLike)
    }

    @Test func aClassBodyInAFunctionHasNoEnclosingFunction() throws {
        // A key parameter cannot be added to a class body, nor threaded through it to a method.
        let analysis = try Analysis(
            """
            def f():
                class A:
                    items = [x for x in range(3)]
                    def m(self):
                        pass
            """)
        #expect(try analysis.scope("f.A").enclosingFunction == nil)
        #expect(try analysis.scope("f.A.<comprehension>").enclosingFunction == nil)
        #expect(try analysis.scope("f.A.m").enclosingFunction === (try analysis.scope("f.A.m")))
    }

    @Test func isInsideFollowsParents() throws {
        let analysis = try Analysis(Self.source)
        let comprehension = try analysis.scope("make.inner.<comprehension>")
        #expect(comprehension.isInside(try analysis.scope("make")))
        #expect(comprehension.isInside(comprehension))
        #expect(comprehension.isInside(analysis.model.moduleScope))
        #expect(!comprehension.isInside(try analysis.scope("Encoder")))
        #expect(!analysis.model.moduleScope.isInside(comprehension))
    }

    @Test func everyDefinitionMapsToItsScope() throws {
        let analysis = try Analysis(Self.source)
        for scope in analysis.model.scopes.dropFirst() {
            #expect(analysis.model.scope(of: scope.node) === scope)
        }
        #expect(try analysis.scope("Encoder").node.kind == "class_definition")
        #expect(try analysis.scope("make").node.kind == "function_definition")
        #expect(analysis.model.scope(of: analysis.model.tree.root) == nil)
    }

    @Test func callsAreRecordedWithTheScopeTheyAreEvaluatedIn() throws {
        let analysis = try Analysis(
            """
            @register(name())
            def f(x=default(), *, y: hint() = other()) -> ret():
                return body()
            class A(base()):
                attr = field()
                g = lambda z=lam_default(): lam_body()
            xs = [element() for _ in first()]
            """)
        let byCallee = Dictionary(
            uniqueKeysWithValues: analysis.model.calls.map { call in
                (call.call.child(.function)?.text ?? "", call.scope.qualifiedName)
            })
        #expect(
            byCallee == [
                "register": "<module>", "name": "<module>",
                "default": "<module>", "hint": "<module>", "other": "<module>", "ret": "<module>",
                "body": "f",
                "base": "<module>",
                "field": "A", "lam_default": "A", "lam_body": "A.<lambda>",
                "element": "<comprehension>", "first": "<module>",
            ])
    }

    @Test func attributeReadsAreRecordedWithTheirScope() throws {
        let analysis = try Analysis(
            """
            import jax
            def f(obj):
                obj.a.b = jax.random.split(obj.key)
            """)
        let attributes = analysis.model.attributes.map { "\($0.attribute.text)@\($0.scope.qualifiedName)" }
        #expect(Set(attributes) == ["jax.random.split@f", "jax.random@f", "obj.key@f", "obj.a.b@f", "obj.a@f"])
        #expect(attributes.count == 5)
    }

    @Test func referencesExcludeDefinitionNamesKeywordsAndAttributeNames() throws {
        let analysis = try Analysis(
            """
            def f(p):
                return call(key=p).attr
            """)
        #expect(analysis.model.references.map(\.name) == ["call", "p"])
    }

    @Test func typeAliasesAndTypeParametersAreNotReads() throws {
        let analysis = try Analysis(
            """
            type Pair[T] = tuple[T, T]
            class Box[U]:
                pass
            value = 1
            """)
        #expect(analysis.model.references.isEmpty)
    }
}
