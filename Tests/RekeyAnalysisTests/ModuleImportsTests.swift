import Foundation
import RekeySyntax
import RekeyTestSupport
import Testing

@testable import RekeyAnalysis

@Suite struct ModuleImportsTests {
    /// A project with two nested packages, a top-level script, and a plain directory holding a
    /// package of its own (so the walk up must stop at the first directory without `__init__.py`).
    static let layout = [
        "pkg/__init__.py",
        "pkg/top.py",
        "pkg/sub/__init__.py",
        "pkg/sub/mod.py",
        "script.py",
        "plain/tool.py",
        "plain/inner/__init__.py",
        "plain/inner/thing.py",
    ]

    func imports(_ source: String, at path: String) throws -> ModuleImports {
        let tree = try PythonParser().parse(SourceText(path: path, text: source))
        try #require(!tree.hasError)
        return ModuleImports(path: path, tree: tree)
    }

    @Test(arguments: [
        ("pkg/__init__.py", "pkg"),
        ("pkg/top.py", "pkg.top"),
        ("pkg/sub/__init__.py", "pkg.sub"),
        ("pkg/sub/mod.py", "pkg.sub.mod"),
        ("script.py", "script"),
        ("plain/tool.py", "tool"),
        ("plain/inner/__init__.py", "inner"),
        ("plain/inner/thing.py", "inner.thing"),
    ])
    func moduleNamesFollowThePackageLayout(_ file: String, _ module: String) throws {
        try withTemporaryTree(Self.layout) { root in
            #expect(ModuleImports.moduleName(forFile: root.appendingPathComponent(file).path) == module)
        }
    }

    /// One ``ModuleNames`` for a whole run remembers each directory's package: files asked about
    /// in any order, deepest first or last, get the names each gets alone.
    @Test func sharedModuleNamesAgreeWithEachFileAlone() throws {
        let files = [
            "pkg/sub/mod.py", "pkg/__init__.py", "pkg/top.py", "pkg/sub/__init__.py", "plain/inner/thing.py", "plain/tool.py",
            "plain/inner/__init__.py", "script.py",
        ]
        try withTemporaryTree(Self.layout) { root in
            for order in [files, files.reversed()] {
                let shared = ModuleNames()
                for file in order {
                    let path = root.appendingPathComponent(file).path
                    #expect(shared.of(path) == ModuleImports.moduleName(forFile: path))
                }
            }
            #expect(ModuleNames().of(root.appendingPathComponent("pkg/sub/mod.py").path) == "pkg.sub.mod")
        }
    }

    @Test func aPathWithDotSegmentsIsStandardised() throws {
        try withTemporaryTree(Self.layout) { root in
            let path = root.path + "/pkg/sub/../sub/./mod.py"
            #expect(ModuleImports.moduleName(forFile: path) == "pkg.sub.mod")
        }
    }

    /// Paths are read without `URL` (a tenth of a millisecond a file), the way it reads them.
    @Test(arguments: [
        "/x/y/../z.py", "/x/./y//z.py", "../q.py", "/../a.py", "a//b/./c/../d.py", "/x/y/..", "pkg/mod.py", "/t/a.",
        "/t/.hidden", "/t/x.tar.gz", "/t/a..py", "/t/.x.py", "/t/a.py ", "/t/...", "/t/a.b.c.py", "/t/run", "/t/ç.py", "/a/b/",
    ])
    func pathsAreReadAsURLReadsThem(_ path: String) {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let components = ModuleNames.standardizedComponents(path)
        #expect("/" + components.joined(separator: "/") == url.path)
        #expect(ModuleNames.stem(components.last ?? "") == url.deletingPathExtension().lastPathComponent)
    }

    /// `from m import *` at the top level, in a compound statement there, or relative; never
    /// inside a function (Python refuses it there) nor an import of some names.
    @Test func modulesImportedEveryNameOf() throws {
        let source = """
            from jax.random import *
            from jax import numpy
            if flag:
                from .layers import *
            try:
                from ..util import  *
            except ImportError:
                pass
            """
        let tree = try PythonParser().parse(SourceText(path: "pkg/sub/mod.py", text: source))
        try #require(!tree.hasError)
        #expect(ModuleImports.starImported(tree.root, package: "pkg.sub") == ["jax.random", "pkg.sub.layers", "pkg.util"])
    }

    @Test func absoluteImportsInEveryPlaceAStatementCanBe() throws {
        try withTemporaryTree(Self.layout) { root in
            let found = try imports(
                """
                import jax
                import jax.random as jr
                import numpy, os.path
                from jax.random import split, normal as gauss
                from typing import *
                def f():
                    import inner_mod
                class A:
                    if flag:
                        from scipy import stats
                try:
                    import tomllib
                except ImportError:
                    import tomli
                finally:
                    import atexit
                with ctx():
                    import in_with
                for _ in range(1):
                    import in_for
                while False:
                    import in_while
                else:
                    import in_else
                @decorator
                def g():
                    import in_decorated
                x = __import__("not_static")
                """, at: root.appendingPathComponent("script.py").path)
            #expect(found.moduleName == "script")
            #expect(
                found.imported == [
                    "jax", "jax.random", "numpy", "os.path", "jax.random.split", "jax.random.normal", "typing",
                    "inner_mod", "scipy", "scipy.stats", "tomllib", "tomli", "atexit", "in_with", "in_for",
                    "in_while", "in_else", "in_decorated",
                ])
        }
    }

    @Test func relativeImportsResolveAgainstTheFilesPackage() throws {
        try withTemporaryTree(Self.layout) { root in
            let found = try imports(
                """
                from . import sibling
                from .. import top
                from ..top import helper as h
                from .c.d import e
                from . import (one, two)
                """, at: root.appendingPathComponent("pkg/sub/mod.py").path)
            #expect(found.moduleName == "pkg.sub.mod")
            #expect(
                found.imported == [
                    "pkg.sub", "pkg.sub.sibling",
                    "pkg", "pkg.top",
                    "pkg.top.helper",
                    "pkg.sub.c.d", "pkg.sub.c.d.e",
                    "pkg.sub.one", "pkg.sub.two",
                ])
        }
    }

    @Test func relativeImportsInAnInitResolveAgainstThePackageItself() throws {
        try withTemporaryTree(Self.layout) { root in
            let found = try imports(
                """
                from . import mod
                from .mod import thing
                from .. import top
                """, at: root.appendingPathComponent("pkg/sub/__init__.py").path)
            #expect(found.moduleName == "pkg.sub")
            #expect(found.imported == ["pkg.sub", "pkg.sub.mod", "pkg.sub.mod.thing", "pkg", "pkg.top"])
        }
    }

    @Test(arguments: [
        (".", "a.b", "a.b"),
        (".x", "a.b", "a.b.x"),
        ("..", "a.b", "a"),
        ("..x.y", "a.b", "a.x.y"),
        ("...x", "a.b.c", "a.x"),
        ("jax.random", "a.b", "jax.random"),
    ])
    func resolvingRelativeModuleNames(_ module: String, _ package: String, _ absolute: String) {
        #expect(ModuleImports.resolve(module, package: package) == absolute)
    }

    @Test func importsMatchesAModuleAndWhatIsInsideIt() throws {
        let found = try imports(
            """
            import jax.random
            from flax import linen as nn
            """, at: "/nonexistent/script.py")
        #expect(found.imports("jax"))
        #expect(found.imports("jax.random"))
        #expect(found.imports("flax"))
        #expect(found.imports("flax.linen"))
        #expect(!found.imports("ja"))  // a prefix that is not a module boundary
        #expect(!found.imports("jax.random.normal"))
        #expect(!found.imports("jax.numpy"))
        #expect(!found.imports("random"))
        #expect(!found.imports("nn"))  // the alias is not a module
    }

    @Test func aFileWithoutImportsImportsNothing() throws {
        let found = try imports("x = 1\n", at: "/nonexistent/empty.py")
        #expect(found.imported.isEmpty)
        #expect(!found.imports("x"))
        #expect(found.moduleName == "empty")
    }

    // MARK: Known bugs

    @Test
    func importsInMatchAndExceptGroupAreCollected() throws {
        let found = try imports(
            """
            match backend:
                case "jax":
                    import jax.random
            try:
                pass
            except* ImportError:
                import fallback
            """, at: "/nonexistent/script.py")
        #expect(found.imported == ["jax.random", "fallback"])
    }
}
