import RekeySyntax
import Testing

@testable import RekeyAnalysis

/// Python's argument binding, as `inspect.signature(f).bind(...)` does it (each expectation was
/// checked against CPython 3.11): the signature guard relies on it to tell whether a call still
/// binds after a fix, and to the same parameters.
@Suite struct CallBindingTests {
    /// The signature of the first `def` and the arguments of the first call in `source`.
    func parts(_ source: String) throws -> (Signature, CallArguments) {
        let analysis = try Analysis(source)
        let function = try #require(analysis.model.scopes.first { $0.kind == .function })
        let parameters = try #require(function.node.child(.parameters))
        let signature = try #require(Signature(parameters: parameters))
        let call = try #require(analysis.model.calls.first?.call)
        return (signature, try #require(CallArguments(call: call)))
    }

    func bind(_ source: String, receiver: Bool = false) throws -> BindingResult {
        let (signature, arguments) = try parts(source)
        return signature.bind(receiver ? arguments.withReceiver() : arguments)
    }

    @Test func everyKindOfParameter() throws {
        let source = "def f(a, b=1, *args, c, d=2, **kw): pass\nf(1, 2, 3, c=4, e=5)\n"
        #expect(try bind(source) == .bound(["a": "1", "b": "2", "*args[0]": "3", "c": "4", "**kw[e]": "5"]))
        let (signature, _) = try parts(source)
        #expect(signature.description == "(a, b=…, *args, c, d=…, **kw)")
        #expect(signature.requiredNames == ["a", "c"])
    }

    @Test func typeErrorsPythonRaises() throws {
        #expect(try bind("def f(a, b=1, *args, c, d=2, **kw): pass\nf(1)\n") == .failed("it does not pass `c`"))
        #expect(
            try bind("def f(a): pass\nf(1, 2)\n")
                == .failed("it passes 2 positional arguments; the function takes at most 1"))
        #expect(try bind("def f(a): pass\nf(1, a=2)\n") == .failed("it gives `a` twice"))
        #expect(try bind("def f(x, *, key): pass\nf(1)\n") == .failed("it does not pass `key`"))
        #expect(try bind("def f(**kw): pass\nf(key=1, key=2)\n") == .failed("it repeats the keyword argument `key`"))
    }

    @Test func positionalOnlyParameters() throws {
        #expect(try bind("def f(a, /, b): pass\nf(a=1, b=2)\n") == .failed("the function takes no argument `a`"))
        // Python hands a keyword spelt like a positional-only parameter to `**kw`.
        #expect(try bind("def f(a, /, **kw): pass\nf(1, a=2)\n") == .bound(["a": "1", "**kw[a]": "2"]))
    }

    @Test func namesAreComparedAsPythonNormalisesThem() throws {
        #expect(try bind("def f(ｋｅｙ=None): pass\nf(key=1)\n") == .bound(["key": "1"]))
    }

    @Test func boundMethodsPassTheReceiverFirst() throws {
        #expect(try bind("def m(self, x): pass\nobj.m(1)\n", receiver: true) == .bound(["self": "<receiver>", "x": "1"]))
    }

    @Test func unpackedArgumentsCannotBeBoundStatically() throws {
        #expect(try bind("def f(a, b): pass\nf(*xs)\n") == .indeterminate)
        #expect(try bind("def f(a, b): pass\nf(1, **kw)\n") == .indeterminate)
    }

    @Test func aBareGeneratorIsOnePositionalArgument() throws {
        #expect(try bind("def f(a): pass\nf(x for x in y)\n") == .bound(["a": "(x for x in y)"]))
    }
}
