import Testing

@testable import RekeySyntax

/// `PythonParser.parseCompilable`: what tree-sitter accepts and CPython refuses is refused, with
/// CPython's reason; what CPython compiles is accepted. Every expectation here was checked
/// against CPython 3.11's `compile()`.
@Suite struct CompilableSourceTests {
    func problem(_ text: String) throws -> SourceProblem? {
        let parser = try PythonParser()
        do {
            _ = try parser.parseCompilable(SourceText(path: "t.py", text: text))
            return nil
        } catch {
            return error
        }
    }

    func refusal(_ text: String) throws -> String? {
        try problem(text).map { "\($0.position.line):\($0.position.column) \($0.detail)" }
    }

    // MARK: Indentation (CPython's tokenizer)

    @Test(arguments: [
        ("x = 1\n    y = 2\n", "2:5 unexpected indent"),
        ("    x = 1\n", "1:5 unexpected indent"),
        ("def f():\n    a = 1\n        b = 2\n", "3:9 unexpected indent"),
        ("if x:\n    a = 1\n  b = 2\n", "3:3 unindent does not match any outer indentation level"),
        ("if x:\n\tpass\n        pass\n", "3:9 inconsistent use of tabs and spaces in indentation"),
        ("if x:\n        pass\n\tpass\n", "3:2 inconsistent use of tabs and spaces in indentation"),
        ("def f():\nx = 1\n", "1:9 expected an indented block"),
        ("class A:\n    # nothing but a comment\n", "1:9 expected an indented block"),
    ])
    func indentationCPythonRefuses(text: String, expected: String) throws {
        #expect(try refusal(text) == expected)
    }

    @Test(arguments: [
        "if x:\n    pass\n\n  # a comment at any column\nx = 1\n",
        "class A:\n    def f(self):\n        x = 1\n    \\\n    y = 2\n",
        // A `\` line end inside the brackets is a node of the grammar's, not an argument (sympy, mpmath).
        "f(a=1,\\\n  b=2)\ndef g(a=1, \\\n      b=2): pass\n",
        "x = (1,\n        2)\ny = [\n  3]\n",
        "s = '''\n        not code\n'''\nt = 1\n",
        "x = 1 + \\\n        2\n",
        "if x:\n\tpass\nelse:\n\tpass\n",
        "if x:\n    pass\n\u{0C}y = 1\n",
        "f = f'{x:>{width}}' + f\"{d['a']}\" + rf'\\{x}'\n",
        "f = f'''{\n    x\n}'''\nif y:\n    pass\n",
        "x = 1\r    \ry = 2\r",
        "async def f():\n    await g()\n    return [await x async for x in y]\n",
        "for x in y:\n    if x:\n        continue\n    break\nelse:\n    pass\n",
        "def f(a, /, b=1, *args, c, d=2, **kw): pass\n",
        "f(1, *a, b=2, *c, **d, e=3)\n",
        "with (open(x) as f):\n    pass\n",
        "match x:\n    case [1, 2] as y:\n        pass\n",
        "x = [*a]\ny = *a,\n",
        "print >> f\na = 1; b = 2\n",
        "class A:\n    def f(self):\n        yield 1\n",
    ])
    func validPythonIsAccepted(text: String) throws {
        #expect(try problem(text) == nil)
    }

    @Test func ninetyNineLevelsPassAndTheHundredthIsRefusedBeforeParsing() throws {
        func nested(_ levels: Int) -> String {
            (0..<levels).map { String(repeating: " ", count: $0) + "if x:\n" }.joined()
                + String(repeating: " ", count: levels) + "pass\n"
        }
        #expect(try problem(nested(99)) == nil)
        #expect(try refusal(nested(100)) == "101:101 too many levels of indentation")
    }

    @Test func thousandsOfLevelsAreRefusedWithoutReachingTheParser() throws {
        // About 18,000 levels corrupt tree-sitter 0.20.7's heap; the scan stops long before.
        let text = (0..<20_000).map { String(repeating: " ", count: $0 % 200) + "if x:\n" }.joined()
        let found = try #require(try problem(text))
        #expect(found.kind == .refusedByCPython || found.kind == .beyondParser)
    }

    @Test func indentationWiderThanTheGrammarCanStoreIsRefused() throws {
        // 70 levels of 4 spaces: CPython compiles it, the grammar's scanner keeps widths in a byte.
        let text =
            (0..<70).map { String(repeating: "    ", count: $0) + "if x:\n" }.joined()
            + String(repeating: "    ", count: 70) + "pass\n"
        let found = try #require(try problem(text))
        #expect(found.kind == .beyondParser)
        #expect(found.position.line == 65)
        #expect(found.description.contains("indentation of 256 columns"))
    }

    @Test func bracketsNestedDeeperThanCPythonAllowsAreRefused() throws {
        #expect(try problem("x = " + String(repeating: "(", count: 200) + "1" + String(repeating: ")", count: 200) + "\n") == nil)
        #expect(
            try refusal("x = " + String(repeating: "(", count: 201) + "1" + String(repeating: ")", count: 201) + "\n")
                == "1:205 too many nested parentheses")
    }

    @Test func aNulByteIsRefused() throws {
        #expect(try refusal("x = 1\u{0}\n") == "1:6 source code cannot contain null bytes")
    }

    // MARK: Calls and definitions

    @Test(arguments: [
        ("f(key=1, key=2)\n", "1:10 keyword argument repeated: key"),
        ("f(ｋｅｙ=1, key=2)\n", "1:10 keyword argument repeated: key"),
        ("class A(x=1, x=2): pass\n", "1:14 keyword argument repeated: x"),
        ("f(a=1, b)\n", "1:8 positional argument follows keyword argument"),
        ("f(**k, b)\n", "1:8 positional argument follows keyword argument unpacking"),
        ("f(**k, *a)\n", "1:8 iterable argument unpacking follows keyword argument unpacking"),
        ("def f(a, a): pass\n", "1:10 duplicate argument 'a' in function definition"),
        ("def f(x, ｋｅｙ=None, *, key): pass\n", "1:23 duplicate argument 'key' in function definition"),
        ("def f(*, a, **a): pass\n", "1:15 duplicate argument 'a' in function definition"),
        ("g = lambda a, a: 0\n", "1:15 duplicate argument 'a' in function definition"),
        ("def f(a=1, b): pass\n", "1:12 a parameter without a default follows one with a default"),
        ("def f(a=1, /, b): pass\n", "1:15 a parameter without a default follows one with a default"),
        ("def f(a, *): pass\n", "1:10 named arguments must follow bare *"),
        ("def f(a, *, **k): pass\n", "1:10 named arguments must follow bare *"),
        ("g = lambda a, *: 0\n", "1:15 named arguments must follow bare *"),
    ])
    func callsAndDefinitionsCPythonRefuses(text: String, expected: String) throws {
        #expect(try refusal(text) == expected)
    }

    /// Past the first names, compared by their bytes, the rest are compared as strings: a name
    /// repeated there, or repeating one of the first, is still found, in ASCII or not.
    @Test func aNameRepeatedInALongListIsFound() throws {
        let names = (0..<40).map { "a\($0)" }
        #expect(try problem("def f(\(names.joined(separator: ", "))): pass\n") == nil)
        #expect(try problem("f(\(names.map { $0 + "=1" }.joined(separator: ", ")))\n") == nil)
        let repeated = "def f(\(names.joined(separator: ", ")), a3): pass\n"
        #expect(try refusal(repeated) == "1:\(repeated.utf8.count - 9) duplicate argument 'a3' in function definition")
        let wide = "f(\(names.map { $0 + "=1" }.joined(separator: ", ")), ａ39=2)\n"
        #expect(try refusal(wide)?.hasSuffix("keyword argument repeated: a39") == true)
    }

    // MARK: Statements in the wrong place

    @Test(arguments: [
        ("return 1\n", "1:1 'return' outside function"),
        ("class A:\n    return 1\n", "2:5 'return' outside function"),
        ("x = yield\n", "1:5 'yield' outside function"),
        ("await x\n", "1:1 'await' outside function"),
        ("break\n", "1:1 'break' outside loop"),
        ("for x in y:\n    def f():\n        break\n", "3:9 'break' outside loop"),
        ("for x in y:\n    pass\nelse:\n    continue\n", "4:5 'continue' not properly in loop"),
        ("nonlocal x\n", "1:1 nonlocal declaration not allowed at module level"),
        ("def f(a, *, key):\n    global key\n", "2:12 name 'key' is parameter and global"),
        ("def f(ｋｅｙ=None):\n    if x:\n        global y, key\n", "3:19 name 'key' is parameter and global"),
        ("def f(**key):\n    def g(a):\n        pass\n    nonlocal key\n", "4:14 name 'key' is parameter and nonlocal"),
        ("import jax.numpyas jnp\n", "1:20 invalid syntax (two statements on one line without `;`)"),
        ("x = f(in, b)\n", "1:7 invalid syntax ('in' is a keyword)"),
        ("async = 1\n", "1:1 invalid syntax ('async' is a keyword)"),
        ("importjax.numpy as jnp\n", "1:1 invalid syntax (`as` outside `with`, `except` and `case`)"),
        ("x = y: int\n", "1:5 invalid syntax (an annotation inside a chained assignment)"),
        ("*a\n", "1:1 can't use starred expression here"),
        ("x = *a\n", "1:5 can't use starred expression here"),
        ("import equinox as eqx,\n", "1:22 trailing comma not allowed without surrounding parentheses"),
    ])
    func statementsCPythonRefuses(text: String, expected: String) throws {
        #expect(try refusal(text) == expected)
    }

    @Test(arguments: [
        "def f(a):\n    global key\n",
        "def f(key):\n    def g():\n        global key\n",
        "def f(key):\n    class A:\n        global key\n",
        "def f(key):\n    g = lambda key: key\n",
    ])
    func aDeclarationOfANameThatIsNotAParameterOfItsFunctionIsAccepted(text: String) throws {
        #expect(try problem(text) == nil)
    }

    @Test(arguments: [
        "def f(a, *, b): pass\n",
        "def f(a, *, b: int = 1, **k): pass\n",
        "def f(a, *args, **k): pass\n",
        "def f(a, *args: int): pass\n",
        "g = lambda a, *, b: 0\n",
    ])
    func aStarFollowedByANamedParameterIsAccepted(text: String) throws {
        #expect(try problem(text) == nil)
    }

    // MARK: Depth

    @Test func nestingDeeperThanTheBoundIsRefusedWithoutRecursion() throws {
        // A left-nested `and` chain: one tree level per operand, and CPython compiles it (its own
        // tree is flat). Walking it must not recurse; refusing it must name the bound.
        let text = "x = a" + String(repeating: " and a", count: PythonParser.maximumNestingDepth + 10) + "\n"
        let found = try #require(try problem(text))
        #expect(found.kind == .nestedTooDeeply)
        #expect(found.description.contains("nesting deeper than \(PythonParser.maximumNestingDepth) levels"))
        #expect(try problem("x = a" + String(repeating: " and a", count: PythonParser.maximumNestingDepth - 10) + "\n") == nil)
    }

    @Test(arguments: ["not ", "-", "lambda: ", "a if a else ", "a ** ", "a = "])
    func rightNestingChainsThatWouldCrashTreeSitterAreRefusedBeforeParsing(operator: String) throws {
        // 70,000 levels and an error after them: tree-sitter 0.20.7 corrupts its heap recovering.
        let text = "x = " + String(repeating: `operator`, count: 70_000) + "a (\n"
        let found = try #require(try problem(text))
        #expect(found.kind == .beyondParser)
        #expect(found.description.contains("more than 20000 operators nest to the right"))
    }

    @Test func longDataLinesAndFlatChainsAreNotRightNesting() throws {
        let negatives = "x = [" + String(repeating: "-1, ", count: 30_000) + "]\n"
        #expect(try problem(negatives) == nil)
        let sum = "x = (" + String(repeating: "a + ", count: 3_000) + "a)\n"
        #expect(try problem(sum) == nil)
    }

    @Test func treeSitterErrorsStillReadAsSyntaxErrors() throws {
        let found = try #require(try problem("def f(:\n    pass\n"))
        #expect(found.kind == .syntaxError)
        #expect(found.description == "does not parse (syntax error at line 1, column 7)")
    }
}
