import RekeySyntax
import Testing

@testable import RekeyAnalysis

/// Every expected call site is marked `↓` at the start of its call; a test passes only when
/// `CallSites` finds exactly those, no more and no fewer.
@Suite struct CallSitesTests {
    func expectExactly(
        _ analysis: Analysis, callSitesOf name: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let found = try analysis.callSiteStarts(of: name)
        #expect(found == analysis.markers.sorted(), sourceLocation: sourceLocation)
    }

    // MARK: Functions

    @Test func plainFunctionCallsAreFoundInEveryScope() throws {
        let analysis = try Analysis(
            """
            def f(x):
                return x
            ↓f(1)
            def g():
                return ↓f(2)
            class A:
                value = ↓f(3)
                def m(self):
                    return [↓f(i) for i in range(2)] + (lambda: ↓f(4))()
            """)
        try expectExactly(analysis, callSitesOf: "f")
    }

    @Test func theScopeOfEachCallIsWhereItIsEvaluated() throws {
        let analysis = try Analysis(
            """
            def f():
                pass
            f()
            def g():
                f()
            """)
        let calls = try CallSites.uses(of: analysis.scope("f"), in: analysis.model).get()
        #expect(calls.map(\.scope.qualifiedName) == ["<module>", "g"])
    }

    @Test func aFunctionWithoutCallsHasNone() throws {
        let analysis = try Analysis("def f():\n    pass\n")
        #expect(try analysis.callSiteStarts(of: "f").isEmpty)
    }

    @Test func shadowingNamesAreNotCalls() throws {
        let analysis = try Analysis(
            """
            def f():
                pass
            def g(f):
                return f()
            def h():
                f = print
                f()
            class A:
                def f(self):
                    pass
                def m(self):
                    return self.f()
            values = [f() for f in factories]
            def user():
                import mod
                return mod.f()
            ↓f()
            """)
        try expectExactly(analysis, callSitesOf: "f")
    }

    @Test func recursionIsACall() throws {
        let analysis = try Analysis(
            """
            def f(n):
                return ↓f(n - 1) if n else 0
            """)
        try expectExactly(analysis, callSitesOf: "f")
    }

    @Test func aFunctionUsedAsAValueIsAFailureNamingTheLine() throws {
        let analysis = try Analysis(
            """
            def f():
                pass
            f()
            callbacks = [f]
            """)
        let reason = try analysis.callSiteFailure(of: "f")
        #expect(reason.contains("`f`"))
        #expect(reason.contains("line 4"))
    }

    @Test(arguments: [
        "@f\ndef g():\n    pass",
        "x = map(f, [1])",
        "g = f",
        "h = lambda: f",
        "def g(cb=f):\n    pass",
        "jax.jit(f)(1)",
    ])
    func everyNonCallUseIsAFailure(_ use: String) throws {
        let analysis = try Analysis("def f():\n    pass\n\(use)\n")
        let reason = try analysis.callSiteFailure(of: "f")
        #expect(reason.contains("line 3"), "\(reason)")
    }

    @Test func nestedFunctionsAreFoundInTheirOwnFunction() throws {
        let analysis = try Analysis(
            """
            def outer():
                def inner():
                    pass
                ↓inner()
                return [↓inner() for _ in range(3)]
            def other():
                inner()
            inner()
            """)
        try expectExactly(analysis, callSitesOf: "outer.inner")
    }

    @Test func aNestedFunctionCalledFromADeeperFunction() throws {
        let analysis = try Analysis(
            """
            def outer():
                def inner():
                    pass
                def deeper():
                    return ↓inner()
                return deeper
            """)
        try expectExactly(analysis, callSitesOf: "outer.inner")
    }

    @Test func aNameBoundTwiceIsAFailure() throws {
        let analysis = try Analysis(
            """
            def f():
                pass
            if flag:
                def f():
                    pass
            f()
            """)
        // Both definitions share the qualified name; take the first.
        let first = try #require(analysis.model.scopes.first { $0.qualifiedName == "f" })
        let result = CallSites.uses(of: first, in: analysis.model)
        let error = try #require(throws: CallSites.Unresolvable.self) { try result.get() }
        #expect(error.description.contains("bound 2 times"))
    }

    @Test func aLambdaCannotBeGivenAParameter() throws {
        let analysis = try Analysis("g = lambda: 1\n")
        let lambda = try #require(analysis.model.scopes.first { $0.kind == .lambda })
        let error = try #require(throws: CallSites.Unresolvable.self) {
            try CallSites.uses(of: lambda, in: analysis.model).get()
        }
        #expect(error.description.contains("lambda"))
    }

    // MARK: Constructors

    @Test func initializerCallsComeFromEveryWayOfRunningIt() throws {
        let analysis = try Analysis(
            """
            class A:
                def __init__(self, x):
                    self.x = x
                @classmethod
                def make(cls):
                    return ↓cls(1)
            a = ↓A(1)
            ↓A.__init__(a, 2)
            class B(A):
                pass
            b = ↓B(3)
            class C(A):
                def __init__(self):
                    ↓super().__init__(4)
                    self.extra = 0
            c = C()
            class D(A):
                def __init__(self):
                    ↓A.__init__(self, 5)
            def check(x: A, y: list[A]) -> A:
                if isinstance(x, A) or isinstance(x, (int, A)) or issubclass(type(y), A):
                    return x
            """)
        try expectExactly(analysis, callSitesOf: "A.__init__")
    }

    @Test func aSubclassOfASubclassWithoutInitializersCounts() throws {
        let analysis = try Analysis(
            """
            class A:
                def __init__(self):
                    pass
            class B(A):
                pass
            class C(B):
                @classmethod
                def build(cls):
                    return ↓cls()
            ↓C()
            ↓B()
            """)
        try expectExactly(analysis, callSitesOf: "A.__init__")
    }

    @Test func superWithArgumentsCounts() throws {
        let analysis = try Analysis(
            """
            class A:
                def __init__(self):
                    pass
            class B(A):
                def __init__(self):
                    ↓super(B, self).__init__()
            B()
            """)
        try expectExactly(analysis, callSitesOf: "A.__init__")
    }

    @Test func aClassNamedToSuperInItsOwnBodyIsNotInstantiated() throws {
        let analysis = try Analysis(
            """
            class A:
                def __init__(self):
                    pass
            class B(A):
                def __init__(self):
                    super(B, self).__init__()
                def again(self):
                    return super(B, self).__repr__()
            ↓B()
            """)
        try expectExactly(analysis, callSitesOf: "B.__init__")
    }

    @Test func superInAGrandchildReachesThroughAnIntermediateClass() throws {
        let analysis = try Analysis(
            """
            class A:
                def __init__(self):
                    pass
            class B(A):
                pass
            class C(B):
                def __init__(self):
                    ↓super().__init__()
            C()
            """)
        try expectExactly(analysis, callSitesOf: "A.__init__")
    }

    @Test(arguments: ["type(self)()", "self.__class__()"])
    func dynamicInstantiationIsAFailureNamingTheLine(_ instantiation: String) throws {
        let analysis = try Analysis(
            """
            class A:
                def __init__(self):
                    pass
                def copy(self):
                    return \(instantiation)
            A()
            """)
        let reason = try analysis.callSiteFailure(of: "A.__init__")
        #expect(reason.contains("dynamically"))
        #expect(reason.contains("line 5"))
    }

    @Test(arguments: [
        "factories = [A]",
        "make = A",
        "partial(A, 1)",
        "@A\ndef g():\n    pass",
    ])
    func aClassUsedAsAValueIsAFailure(_ use: String) throws {
        let analysis = try Analysis("class A:\n    def __init__(self):\n        pass\n\(use)\n")
        let reason = try analysis.callSiteFailure(of: "A.__init__")
        #expect(reason.contains("`A`"))
        #expect(reason.contains("line 4"))
    }

    // MARK: Methods

    @Test func methodCallsThroughSelfClsAndTheClass() throws {
        let analysis = try Analysis(
            """
            class A:
                def m(self, x):
                    return x
                def run(self):
                    helper = lambda: ↓self.m(0)
                    return ↓self.m(1)
                @classmethod
                def build(cls):
                    return ↓cls.m(None, 2)
            ↓A.m(A(), 3)
            def use():
                return ↓A.m(None, 4)
            """)
        try expectExactly(analysis, callSitesOf: "A.m")
    }

    @Test func aMethodCalledOnAForeignObjectIsAFailure() throws {
        let analysis = try Analysis(
            """
            class A:
                def m(self):
                    pass
            def use(obj):
                obj.m()
            """)
        let reason = try analysis.callSiteFailure(of: "A.m")
        #expect(reason.contains("line 5"))
        #expect(reason.contains("`A.m`"))
    }

    @Test func selfInAnotherClassIsForeign() throws {
        let analysis = try Analysis(
            """
            class A:
                def m(self):
                    pass
            class Other:
                def go(self):
                    self.m()
            """)
        #expect(try analysis.callSiteFailure(of: "A.m").contains("line 6"))
    }

    @Test func aShadowedClassNameIsForeign() throws {
        let analysis = try Analysis(
            """
            class A:
                def m(self):
                    pass
            def use(A):
                A.m()
            """)
        #expect(try analysis.callSiteFailure(of: "A.m").contains("line 5"))
    }

    @Test func aMethodUsedAsAValueIsAFailure() throws {
        let analysis = try Analysis(
            """
            class A:
                def m(self):
                    pass
                def run(self):
                    callback = self.m
            """)
        let reason = try analysis.callSiteFailure(of: "A.m")
        #expect(reason.contains("used as a value"))
        #expect(reason.contains("line 5"))
    }

    @Test func aSubclassOverridingTheMethodIsAFailure() throws {
        let analysis = try Analysis(
            """
            class A:
                def m(self):
                    pass
                def run(self):
                    self.m()
            class B(A):
                def m(self):
                    pass
            """)
        let reason = try analysis.callSiteFailure(of: "A.m")
        #expect(reason.contains("`B`"))
        #expect(reason.contains("redefines `m`"))
    }

    @Test func aSubclassThatDoesNotOverrideIsFine() throws {
        let analysis = try Analysis(
            """
            class A:
                def m(self):
                    pass
                def run(self):
                    ↓self.m()
            class B(A):
                def other(self):
                    pass
            """)
        try expectExactly(analysis, callSitesOf: "A.m")
    }

    @Test(arguments: ["__call__", "__enter__", "__len__", "__getitem__", "__repr__"])
    func dunderMethodsAreCalledByPython(_ name: String) throws {
        let analysis = try Analysis(
            """
            class A:
                def \(name)(self, *args):
                    pass
            """)
        let reason = try analysis.callSiteFailure(of: "A.\(name)")
        #expect(reason.contains("called by Python itself"))
    }

    @Test func aStaticMethodCalledThroughTheClass() throws {
        let analysis = try Analysis(
            """
            class A:
                @staticmethod
                def helper(x):
                    return x
                def run(self):
                    return ↓self.helper(1) + ↓A.helper(2)
            """)
        try expectExactly(analysis, callSitesOf: "A.helper")
    }

    // MARK: Known bugs

    @Test
    func anOverrideTwoLevelsDownIsAFailure() throws {
        let analysis = try Analysis(
            """
            class A:
                def m(self):
                    pass
                def run(self):
                    self.m()
            class B(A):
                pass
            class C(B):
                def m(self):
                    pass
            """)
        #expect(try analysis.callSiteFailure(of: "A.m").contains("redefines `m`"))
    }

    @Test
    func anOverrideByAssignmentIsAFailure() throws {
        let analysis = try Analysis(
            """
            def other(self):
                pass
            class A:
                def m(self):
                    pass
                def run(self):
                    self.m()
            class B(A):
                m = other
            """)
        #expect(try analysis.callSiteFailure(of: "A.m").contains("`B`"))
    }

    @Test
    func aMethodUsedByNameInItsClassBodyIsSeen() throws {
        let analysis = try Analysis(
            """
            class A:
                def make_default():
                    return 0
                default = ↓make_default()
            """)
        try expectExactly(analysis, callSitesOf: "A.make_default")
        let aliased = try Analysis(
            """
            class A:
                def m(self):
                    pass
                n = m
            A().n()
            """)
        _ = try aliased.callSiteFailure(of: "A.m")
    }

    @Test
    func superMethodCallsAreCallSites() throws {
        let analysis = try Analysis(
            """
            class A:
                def m(self):
                    pass
            class B(A):
                def run(self):
                    return ↓super().m()
            """)
        try expectExactly(analysis, callSitesOf: "A.m")
    }
}
