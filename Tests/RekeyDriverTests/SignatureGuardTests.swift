import Foundation
import RekeyAnalysis
import RekeyEdits
import RekeySyntax
import RekeyTestSupport
import Testing

@testable import RekeyDriver

/// The guard judges a round by its texts alone: these fixes are made by hand, so each test shows
/// what the guard refuses whatever pass proposed the edit. The cases are the breakages seen on
/// real projects (dynamax 1.0.3) and in the reliability issue's reproducers.
@Suite struct SignatureGuardTests {
    /// A project on disk (module names come from its `__init__.py` files) and one fix per entry
    /// of `fixes`: in each file, the first occurrence of `old` becomes `new`.
    struct Round {
        let root: URL
        let before: [String: SourceText]
        let fixes: [Fix]

        init(files: [String: String], fixes: [[(file: String, old: String, new: String)]]) throws {
            let root = try TemporaryTree(files, prefix: "rekey-guard").root
            self.root = root
            var before: [String: SourceText] = [:]
            for (name, text) in files {
                let path = root.appendingPathComponent(name).path
                before[path] = SourceText(path: path, text: text)
            }
            self.before = before
            self.fixes = try fixes.map { replacements in
                var edits: [String: [Edit]] = [:]
                for (file, old, new) in replacements {
                    let path = root.appendingPathComponent(file).path
                    let text = try #require(files[file])
                    let range = try #require(text.range(of: old), "`\(old)` is not in \(file)")
                    let start = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
                    edits[path, default: []].append(.replacement(ByteRange(start, start + old.utf8.count), with: new))
                }
                return Fix(title: "hand-made", applicability: .safe, edits: edits)
            }
        }

        /// The refused fixes' indices and reasons (paths relative to the project). Every fix is
        /// applied as written, without `FixApplier`'s own checks (which refuse some of these
        /// outputs first, for what CPython would refuse), so the guard is judged alone.
        func violations(documents: ProjectDocuments? = nil) throws -> [Int: String] {
            let parser = try PythonParser()
            var editsByPath: [String: [Edit]] = [:]
            for fix in fixes { editsByPath.merge(fix.edits) { $0 + $1 } }
            var changed: [String: SourceText] = [:]
            for (path, edits) in editsByPath {
                let source = try #require(before[path])
                changed[path] = try SourceText(path: path, bytes: FixApplier.applying(edits, to: source))
            }
            let project = before.map { changed[$0.key] ?? $0.value }
            let found = SignatureGuard(parser: parser, documents: documents).violations(
                fixes: fixes, applied: Array(fixes.indices), before: before, after: changed, project: ProjectTexts(project))
            // Screening's guard reads the unchanged texts through a shared cache of their words
            // and call indices, keeping no model, and looks up which texts spell a name: it must
            // judge alike.
            let unchanged = ParsedTexts(Array(before.values), budget: 0)
            let screened = SignatureGuard(parser: parser, unchanged: unchanged, documents: documents).violations(
                fixes: fixes, applied: Array(fixes.indices), before: before, after: changed,
                project: ProjectTexts(shared: unchanged, byPath: before, changed: changed))
            #expect(screened == found)
            return found.mapValues { $0.replacingOccurrences(of: root.path + "/", with: "") }
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    @Test func aPositionalArgumentThatWouldSlideOntoAnotherParameter() throws {
        let round = try Round(
            files: [
                "pkg/__init__.py": "",
                "pkg/inference.py": "import jax\n\n\ndef rbpfilter(n, params, key=jax.random.PRNGKey(0), inputs=None):\n    return n\n",
                "pkg/inference_test.py": "from pkg.inference import rbpfilter\n\n\ndef test_it():\n    rbpfilter(1, 2, k)\n",
            ],
            fixes: [
                [
                    ("pkg/inference.py", "key=jax.random.PRNGKey(0), inputs=None", "inputs=None, *, key"),
                    ("pkg/inference_test.py", "rbpfilter(1, 2, k)", "rbpfilter(1, 2, k, key=jax.random.PRNGKey(0))"),
                ]
            ])
        defer { round.remove() }
        #expect(try round.violations() == [0: "the call at pkg/inference_test.py:5 would pass `k` to `inputs` instead of `key`"])
    }

    @Test func aCallerInAnotherFileThroughAnObjectOfASubclass() throws {
        let round = try Round(
            files: [
                "pkg/__init__.py": "",
                "pkg/ssm.py": "import jax\n\n\nclass SSM:\n    def fit(self, data, key=jax.random.PRNGKey(0)):\n        return data\n",
                "pkg/hmm.py": "from pkg.ssm import SSM\n\n\nclass HMM(SSM):\n    pass\n",
                "tests/test_hmm.py": "from pkg.hmm import HMM\n\n\ndef test_fit():\n    model = HMM()\n    model.fit([1])\n",
            ], fixes: [[("pkg/ssm.py", "key=jax.random.PRNGKey(0)", "*, key")]])
        defer { round.remove() }
        #expect(try round.violations() == [0: "the call at tests/test_hmm.py:6 would no longer bind: it does not pass `key`"])
    }

    @Test func everyCallerUpdatedPasses() throws {
        let round = try Round(
            files: [
                "pkg/__init__.py": "",
                "pkg/ssm.py": "import jax\n\n\nclass SSM:\n    def fit(self, data, key=jax.random.PRNGKey(0)):\n        return data\n",
                "tests/test_hmm.py": "from pkg.ssm import SSM\n\n\ndef test_fit():\n    SSM().fit([1])\n",
            ],
            fixes: [
                [
                    ("pkg/ssm.py", "key=jax.random.PRNGKey(0)", "*, key"),
                    ("tests/test_hmm.py", "fit([1])", "fit([1], key=key)"),
                ]
            ])
        defer { round.remove() }
        #expect(try round.violations().isEmpty)
    }

    /// A parameter removed with the argument every call passed it (a key taken per call
    /// instead of stored): the calls mean what they meant; one still passing it is refused.
    @Test(arguments: [("Dropout(0.5)", nil), ("Dropout(0.5, k)", "the call at tests/test_dropout.py:5 would no longer bind")])
    func aParameterRemovedWithItsArgument(call: String, refusal: String?) throws {
        let round = try Round(
            files: [
                "pkg/__init__.py": "",
                "pkg/layers.py": "class Dropout:\n    def __init__(self, rate, key):\n        self.rate = rate\n",
                "tests/test_dropout.py": "from pkg.layers import Dropout\n\n\ndef test_it(k):\n    Dropout(0.5, k)\n",
            ],
            fixes: [
                [
                    ("pkg/layers.py", "self, rate, key", "self, rate"),
                    ("tests/test_dropout.py", "Dropout(0.5, k)", call),
                ]
            ])
        defer { round.remove() }
        let found = try round.violations()
        if let refusal {
            #expect(found[0]?.hasPrefix(refusal) == true, "\(found)")
        } else {
            #expect(found.isEmpty, "\(found)")
        }
    }

    @Test func aTestFunctionMustNotGainARequiredParameter() throws {
        let round = try Round(
            files: [
                "tests/test_models.py": "import jax.random as jr\n\n\ndef test_fit(key=jr.PRNGKey(0), n=3):\n    assert n\n"
            ], fixes: [[("tests/test_models.py", "key=jr.PRNGKey(0), n=3", "n=3, *, key")]])
        defer { round.remove() }
        #expect(try round.violations() == [0: "`test_fit` is run by pytest, which would look for a fixture named `key`"])
    }

    /// A stub beside the module that declares the function keeps its old signature for type
    /// checkers; one that does not declare it (or no stub) leaves the fix alone.
    @Test(
        arguments: [
            (
                "def init(n: int) -> Array: ...\n",
                "every updated call of `init` would fail type checking against the stub pkg/models.pyi, which keeps the old signature"
            ),
            ("def other(n: int) -> Array: ...\n", nil),
            (nil, nil),
        ] as [(String?, String?)])
    func aStubDeclaringTheFunctionRefusesTheFix(stub: String?, refusal: String?) throws {
        let round = try Round(
            files: [
                "pkg/__init__.py": "",
                "pkg/models.py": "import jax\n\n\ndef init(n, key=jax.random.PRNGKey(0)):\n    return jax.random.normal(key, (n,))\n",
            ], fixes: [[("pkg/models.py", "n, key=jax.random.PRNGKey(0)", "n, *, key")]])
        defer { round.remove() }
        if let stub {
            try stub.write(to: round.root.appendingPathComponent("pkg/models.pyi"), atomically: true, encoding: .utf8)
        }
        #expect(try round.violations() == (refusal.map { [0: $0] } ?? [:]))
    }

    @Test func aKeywordTheFunctionCollectedInKwargsWouldBeRepeated() throws {
        // `def f(**kw)` reading a module key, called as `f(key=1)`: adding `*, key` and passing
        // `key=key` repeats the keyword (CPython: "keyword argument repeated").
        let round = try Round(
            files: [
                "m.py":
                    "import jax\n\nKEY = jax.random.PRNGKey(0)\n\n\ndef f(**kw):\n    return jax.random.normal(KEY)\n\n\ndef main():\n    f(key=1)\n"
            ],
            fixes: [
                [
                    ("m.py", "def f(**kw):", "def f(*, key, **kw):"),
                    ("m.py", "f(key=1)", "f(key=1, key=key)"),
                ]
            ])
        defer { round.remove() }
        #expect(try round.violations() == [0: "the call at m.py:11 would no longer bind: it repeats the keyword argument `key`"])
    }

    @Test func aFullwidthParameterIsTheSameName() throws {
        let round = try Round(
            files: [
                "m.py": "def f(x, ｋｅｙ=None):\n    return x\n\n\ndef main():\n    f(1)\n"
            ],
            fixes: [
                [
                    ("m.py", "def f(x, ｋｅｙ=None):", "def f(x, ｋｅｙ=None, *, key):"),
                    ("m.py", "f(1)", "f(1, key=k)"),
                ]
            ])
        defer { round.remove() }
        let parser = try PythonParser()
        let tree = try parser.parse(SourceText(path: "m.py", text: "def f(x, ｋｅｙ=None, *, key): pass\n"))
        // tree-sitter accepts what CPython refuses ("duplicate argument 'key'").
        #expect(!tree.hasError)
        #expect(try round.violations() == [0: "`f` would have two parameters named `key`"])
    }

    @Test func aNameImportedFromAnotherLibraryIsNotACaller() throws {
        let round = try Round(
            files: [
                "pkg/__init__.py": "",
                "pkg/ops.py": "import jax\n\n\ndef split(x, key=jax.random.PRNGKey(0)):\n    return x\n",
                "pkg/use.py": "from jax.random import split\n\n\ndef g(k):\n    return split(k)\n",
            ], fixes: [[("pkg/ops.py", "key=jax.random.PRNGKey(0)", "*, key")]])
        defer { round.remove() }
        #expect(try round.violations().isEmpty)
    }

    /// `models/` has no `__init__.py`: `models/mlp.py` is the module `mlp` to a script beside it
    /// and `models.mlp` (a namespace package) to a test run from the project's top folder.
    @Test func aCallerImportingThroughAFolderWithoutInitIsACaller() throws {
        let round = try Round(
            files: [
                "pyproject.toml": "",
                "models/mlp.py": "import jax\n\n\ndef init(n, key=jax.random.PRNGKey(0)):\n    return n\n",
                "tests/test_mlp.py": "from models.mlp import init\n\n\ndef test_init():\n    assert init(3) == 3\n",
            ], fixes: [[("models/mlp.py", "key=jax.random.PRNGKey(0)", "*, key")]])
        defer { round.remove() }
        #expect(try round.violations() == [0: "the call at tests/test_mlp.py:5 would no longer bind: it does not pass `key`"])
    }

    /// `init` is bound nowhere in the test: it comes from `from pkg.mlp import *`.
    @Test func aCallOfANameImportedWithAStarIsACaller() throws {
        let round = try Round(
            files: [
                "pkg/__init__.py": "",
                "pkg/mlp.py": "import jax\n\n\ndef init(n, key=jax.random.PRNGKey(0)):\n    return n\n",
                "tests/test_mlp.py": "from pkg.mlp import *\n\n\ndef test_init():\n    assert init(3) == 3\n",
            ], fixes: [[("pkg/mlp.py", "key=jax.random.PRNGKey(0)", "*, key")]])
        defer { round.remove() }
        #expect(try round.violations() == [0: "the call at tests/test_mlp.py:5 would no longer bind: it does not pass `key`"])
    }

    /// pytest's `--doctest-modules` runs the examples in docstrings: one calling the function as
    /// it was would fail.
    @Test func aDoctestCallingTheFunctionRefusesTheFix() throws {
        let round = try Round(
            files: [
                "pkg/__init__.py": "",
                "pkg/mlp.py":
                    "import jax\n\n\ndef init(n, key=jax.random.PRNGKey(0)):\n    \"\"\"\n    >>> init(3)\n    3\n    \"\"\"\n    return n\n",
            ], fixes: [[("pkg/mlp.py", "key=jax.random.PRNGKey(0)", "*, key")]])
        defer { round.remove() }
        #expect(try round.violations() == [0: "the doctest at pkg/mlp.py:6 calls `init`, and rekey does not update doctests"])
    }

    /// pytest runs the examples of `test*.txt` (and, told to, of other documents), Sphinx those
    /// of its pages: an example in the project's documents calling the function refuses the fix.
    @Test(arguments: [
        ("README.md", "# mlp\n\n```python\n>>> from pkg.mlp import init\n>>> init(3)\n```\n", "the doctest at README.md:5 calls `init`"),
        ("docs/test_usage.txt", "Usage:\n\n    >>> init(3)\n    3\n", "the doctest at docs/test_usage.txt:3 calls `init`"),
        ("docs/usage.rst", "Call ``init(3)`` to start.\n\n.. code-block:: python\n\n   init(3)\n", nil),
        (".hidden/notes.md", ">>> init(3)\n", nil),
    ])
    func anExampleInTheProjectsDocumentsRefusesTheFix(document: String, text: String, refusal: String?) throws {
        let round = try Round(
            files: [
                "pkg/__init__.py": "",
                "pkg/mlp.py": "import jax\n\n\ndef init(n, key=jax.random.PRNGKey(0)):\n    return n\n",
            ], fixes: [[("pkg/mlp.py", "key=jax.random.PRNGKey(0)", "*, key")]])
        defer { round.remove() }
        // Written after the round's texts are taken: documents are not Python files of the project.
        for (name, content) in [("pyproject.toml", ""), (document, text)] {
            let url = round.root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        #expect(try round.violations().isEmpty)
        // The documents a walk of the project meets (it skips hidden folders).
        let documents = FileDiscovery.pythonFiles(in: [round.root.path]).documents
        let found = try round.violations(documents: ProjectDocuments(documents, roots: ProjectSettingsCache()))
        #expect(found == (refusal.map { [0: $0 + ", and rekey does not update doctests"] } ?? [:]), "\(found)")
    }

    @Test(arguments: [
        (">>> init(3)", "init", 1), (">>> y = [\n    ... init (3)]", "init", 2), (">>> reinit(3)", nil, nil), ("init(3)", nil, nil),
        (">>> init", nil, nil), ("    >>> m.init(key=k)", "init", 1),
    ])
    func doctestLinesCallingAName(text: String, name: String?, line: Int?) {
        let found = SignatureGuard.doctestCall(ofAnyOf: ["init"], in: Array(text.utf8))
        #expect(found?.name == name)
        #expect(found?.line == line)
    }

    @Test func unpackedArgumentsThatMayNoLongerBind() throws {
        let round = try Round(
            files: [
                "m.py": "import jax\n\n\ndef f(a, key=jax.random.PRNGKey(0), b=1):\n    return a\n\n\ndef g(*xs):\n    return f(*xs)\n"
            ], fixes: [[("m.py", "key=jax.random.PRNGKey(0), b=1", "b=1, *, key")]])
        defer { round.remove() }
        #expect(try round.violations() == [0: "the call at m.py:9 unpacks `*` arguments, whose positions the new signature changes"])
    }

    @Test func aClassOfTheSameNameInAnotherScriptIsNotACaller() throws {
        let round = try Round(
            files: [
                "a/model.py": "import jax\n\n\nclass MLP:\n    def __init__(self, key=jax.random.PRNGKey(0)):\n        self.key = key\n",
                "b/model.py": "class MLP:\n    def __init__(self):\n        pass\n\n\nMLP()\n",
            ], fixes: [[("a/model.py", "key=jax.random.PRNGKey(0)", "*, key")]])
        defer { round.remove() }
        #expect(try round.violations().isEmpty)
    }

    @Test func aSubclassInstantiatedElsewhereRunsTheBaseInit() throws {
        let round = try Round(
            files: [
                "pkg/__init__.py": "",
                "pkg/base.py": "import jax\n\n\nclass Layer:\n    def __init__(self, n, key=jax.random.PRNGKey(0)):\n        self.n = n\n",
                "pkg/dense.py": "from .base import Layer\n\n\nclass Dense(Layer):\n    pass\n",
                "pkg/net.py": "from pkg import dense\n\n\ndef build():\n    return dense.Dense(3)\n",
            ], fixes: [[("pkg/base.py", "key=jax.random.PRNGKey(0)", "*, key")]])
        defer { round.remove() }
        #expect(try round.violations() == [0: "the call at pkg/net.py:5 would no longer bind: it does not pass `key`"])
    }

    /// A subclass in another file that defines its own `__init__` runs the base's through
    /// `super().__init__(…)`: that call must still bind. (Its base is named through an import.)
    @Test func aSuperInitCallInASubclassElsewhereIsACaller() throws {
        let round = try Round(
            files: [
                "pkg/__init__.py": "",
                "pkg/base.py": "import jax\n\n\nclass Layer:\n    def __init__(self, n, key=jax.random.PRNGKey(0)):\n        self.n = n\n",
                "pkg/dense.py":
                    "from pkg import base\n\n\nclass Dense(base.Layer):\n    def __init__(self):\n        super().__init__(3)\n",
            ], fixes: [[("pkg/base.py", "key=jax.random.PRNGKey(0)", "*, key")]])
        defer { round.remove() }
        #expect(try round.violations() == [0: "the call at pkg/dense.py:6 would no longer bind: it does not pass `key`"])
    }

    /// End to end: a method reached through objects of unknown class may lose its key default in
    /// place only if every call passes the key; one that omits it keeps the fix from being applied.
    @Test func aMethodOneCallerCallsWithoutTheKeyKeepsItsDefault() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rekey-guard-\(UUID().uuidString)")
        let model =
            "import jax\n\n\nclass HMM:\n    def initialize(self, key=jax.random.PRNGKey(0), method=\"prior\"):\n        return jax.random.normal(key)\n"
        let use = "def fit(model, k):\n    model.initialize(k)\n    return model.initialize(method=\"kmeans\")\n"
        for (name, text) in ["m.py": model, "use.py": use] {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try text.write(to: root.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        defer { try? FileManager.default.removeItem(at: root) }
        let report = Engine(options: .init(unsafeFixes: true, jobs: 1)).fix(paths: [root.path])
        #expect(report.changes.isEmpty)
        // Screened before the fix loop: offered as a hand migration naming the call.
        let reasons = report.remaining.compactMap { finding -> String? in
            if case .manual(let reason) = finding.remedy { return reason }
            return nil
        }
        #expect(reasons.contains { $0.contains("use.py:") && $0.hasSuffix("would no longer bind: it does not pass `key`") })
    }

    /// Found by the fuzzer (Tests/fuzz/regressions/idempotence-guard-blames-a-fix-for-anothers-edit.py):
    /// in one round, RK004's split rewrites the recursive call's `key` to `key_particle_filter`
    /// while RK007 makes `key` required. The guard, matching arguments by text, blamed RK007 for
    /// that call and refused it for good, so a second `rekey fix` applied it. A fix that passes
    /// alone waits for the next round instead, and one run does both.
    @Test func aFixBlamedForAnotherFixsEditIsAppliedInTheNextRound() throws {
        let project = try Project([
            "test_pf.py": """
            import jax


            def particle_filter(n, key=jax.random.PRNGKey(0)):
                noise = jax.random.normal(key, (n,))
                return particle_filter(n, key)


            def test_filter():
                assert particle_filter(10) is not None

            """
        ])
        defer { project.remove() }
        let report = project.fix("test_pf.py", unsafeFixes: true)
        #expect(report.refusals.isEmpty, "\(report.refusals.map(\.reason))")
        #expect(report.applied == ["RK004": 1, "RK007": 1])
        let updated = try #require(report.changes.first?.updated)
        #expect(String(decoding: updated, as: UTF8.self).contains("def particle_filter(n, key):"))
        try Data(updated).write(to: URL(fileURLWithPath: project.path("test_pf.py")))
        #expect(project.fix("test_pf.py", unsafeFixes: true).changes.map(\.path) == [], "a second run changes the file")
    }

    /// Screening's workers share one ``ParsedTexts``: each text has one model, which both query.
    @Test func sharedTextsKeepOneModelPerTextAcrossThreads() throws {
        let texts = (0..<8).map { SourceText(path: "m\($0).py", text: "def f\($0)(key):\n    return g(key)\n") }
        let shared = ParsedTexts(texts, budget: 1 << 20)
        let grammar = try LoadableGrammar.check()
        let models = parallelMap(Array(0..<64), workers: 2, makeState: { PythonParser(grammar) }) { parser, request in
            let model = shared.model(texts[request % texts.count], parser: parser)
            return model.map { (ObjectIdentifier($0), $0.calls(inside: $0.moduleScope).count) }
        }
        for (request, model) in models.enumerated() {
            #expect(model?.1 == 1)
            #expect(model?.0 == models[request % texts.count]?.0)
        }
        #expect(shared.spells(texts[3], "f3") == true)
        #expect(shared.spells(texts[3], "f4") == false)
        #expect(shared.spells(SourceText(path: "other.py", text: "f3"), "f3") == nil)
    }

    /// Trees the analysis kept give the models and call indices of their texts without a parse:
    /// the model asked for is the kept tree's. A text without a kept tree is parsed.
    @Test func sharedTextsStartFromKeptTrees() throws {
        let texts = (0..<2).map { SourceText(path: "m\($0).py", text: "def f(key):\n    return g(key)\n") }
        let parser = try PythonParser()
        let kept = try parser.parse(texts[0])
        let shared = ParsedTexts(texts, trees: [kept], budget: 0)
        #expect(shared.model(texts[0], parser: parser)?.tree === kept)
        #expect(shared.callIndex(texts[0], parser: parser)?.calls.map(\.spelling) == ["g"])
        let parsed = try #require(shared.model(texts[1], parser: parser)?.tree)
        #expect(parsed !== kept && parsed.source === texts[1])
    }

    /// A text a stage parses is parsed once for both stages while ``StageTrees`` has room: a cache
    /// that keeps no model reads the tree again, and so does the next stage's cache. Past the
    /// room, each question parses the text anew.
    @Test func stagesShareTheTreesTheyParse() throws {
        let texts = (0..<2).map { SourceText(path: "m\($0).py", text: "def f(key):\n    return g(key)\n") }
        let parser = try PythonParser()
        let stageTrees = StageTrees(bytes: try parser.parse(texts[0]).memoryBytes)
        let guardStage = ParsedTexts(texts, budget: 0, stageTrees: stageTrees)
        let parsed = try #require(guardStage.model(texts[0], parser: parser)?.tree)
        #expect(guardStage.model(texts[0], parser: parser)?.tree === parsed)
        let screening = ParsedTexts(texts, budget: 0, stageTrees: stageTrees)
        #expect(screening.callIndex(texts[0], parser: parser)?.calls.map(\.spelling) == ["g"])
        #expect(screening.model(texts[0], parser: parser)?.tree === parsed)
        // No room left for the other text's tree.
        let first = try #require(screening.model(texts[1], parser: parser)?.tree)
        #expect(screening.model(texts[1], parser: parser)?.tree !== first)
    }

    /// The calls of some names, as the guard asks for them: those calls only, in source order.
    @Test func callsOfSomeNamesInSourceOrder() throws {
        let source = SourceText(path: "m.py", text: "f(1)\ng(2)\nobj.f(3)\nh()\nf(g(4))\n")
        let index = CallIndex(SemanticModel(tree: try PythonParser().parse(source)))
        #expect(index.calls(namedAnyOf: ["f", "g"]).map(\.spelling) == ["f", "g", "obj.f", "f", "g"])
        #expect(index.calls(namedAnyOf: ["f", "g"]).map(\.line) == [1, 2, 3, 5, 5])
        #expect(index.calls(namedAnyOf: ["k"]).isEmpty)
    }

    /// Screening's workers share one ``ParsedTexts`` that keeps no model, only call indices: both
    /// threads read the same calls of each text, with what they resolve to.
    @Test func sharedTextsKeepCallIndicesWithoutModels() throws {
        let texts = (0..<8).map {
            SourceText(path: "m\($0).py", text: "import ops\n\n\ndef f\($0)(key):\n    return ops.g(key, n=\($0))\n")
        }
        let shared = ParsedTexts(texts, budget: 0)
        let grammar = try LoadableGrammar.check()
        let calls = parallelMap(Array(0..<64), workers: 2, makeState: { PythonParser(grammar) }) { parser, request in
            shared.callIndex(texts[request % texts.count], parser: parser)?.calls
        }
        for (request, found) in calls.enumerated() {
            let call = try #require(found?.first)
            #expect(found?.count == 1)
            #expect(call.spelling == "ops.g" && call.name == "g" && call.receiverName == "ops" && call.line == 5)
            guard case .dotted("ops.g") = call.callee else {
                Issue.record("\(call.callee)")
                continue
            }
            #expect(call.arguments == CallArguments(positional: ["key"], keywords: [("n", "\(request % texts.count)")]))
        }
    }
}
