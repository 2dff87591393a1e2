import Foundation
import RekeyTestSupport
import Testing

@testable import RekeyDriver

/// Which files the prefilter lets through to be parsed: those naming a JAX library and a way to
/// reach JAX's randomness, however it is imported, and no file whose only `random` is another's.
@Suite struct PrefilterTests {
    static func mayMatter(_ text: String) -> Bool {
        var text = CodeOnlyText.OnDemand(Array(text.utf8))
        let imports = ImportScan.read(&text, package: "pkg").all
        return Prefilter.mayMatter(&text, imports: imports)
    }

    @Test(arguments: [
        "import jax\nkey = jax.random.PRNGKey(0)\n",
        "import jax.random as jr\nx = jr.normal(k)\n",
        "from jax import random\nx = random.normal(k)\n",
        "from jax import numpy as jnp, random as jrandom\n",
        "from jax import (\n    numpy as jnp,\n    random,\n)\n",
        "from jax.random import split\n",
        "from jax._src import random\n",
        "import jax as jx\nx = jx.random.normal(k)\n",
        "import jax\nk = PRNGKey(0)\n",
        "import jax\nx = f\"{jax.random.key(0)}\"\n",
        "import jax\ndef f(key: \"jax.random.KeyArray\"): ...\n",
        "import jax\nfrom jax._src.prng import KeyArray\ndef f(key: KeyArray): ...\n",
        "import equinox as eqx\n",
        "from flax import nnx\n",
        // An import the scan cannot read for sure (after `;`): `random` is enough, as before.
        "import numpy as np; import jax\nx = random.normal(k)\n",
    ])
    func aWayToJaxRandomnessIsLetThrough(text: String) {
        #expect(Self.mayMatter(text))
    }

    @Test(arguments: [
        "import numpy as np\nimport jax.numpy as jnp\nx = np.random.normal(size=3)\n",
        "import random\nimport jax\nrandom.seed(0)\n",
        "import jax\n\"\"\"Adds random noise.\"\"\"\n",
        // A cue in a docstring or a comment reaches nothing.
        "import jax\n\n\ndef f(x):\n    \"\"\">>> key = jax.random.key(0)\"\"\"\n",
        "import jax  # PRNGKey\n",
        "import random\nrandom.seed(0)\nkey = PRNGKey(0)\n",  // no JAX library named
        "from mypkg import random\nimport jax.numpy as jnp\n",
    ])
    func noWayToJaxRandomnessIsSkipped(text: String) {
        #expect(!Self.mayMatter(text))
    }

    /// What may stand between a callee's name and its arguments: spaces, line breaks, `\`
    /// continuations and comments; an occurrence inside a string counts too (erring towards a parse).
    @Test(arguments: [
        "f(x)", "y = obj.f (x)", "f\\\n(x)", "[f  # why\n (1)]", "x = f\n\n(y)", "s = 'f(x)'", "a.f\t\u{0C}()",
    ])
    func aTextThatMayCallTheName(text: String) {
        #expect(Prefilter.mayCall(Array(text.utf8), Array("f".utf8)))
    }

    @Test(arguments: [
        "f = 1", "from m import f", "ff(x)", "f_(x)", "def g(f):\n    return f", "class A(f):\n    pass", "f[0](x)", "f.g(x)",
    ])
    func aTextThatCannotCallTheName(text: String) {
        #expect(!Prefilter.mayCall(Array(text.utf8), Array("f".utf8)))
    }

    /// Through the engine: a module-level key reached through `from jax import random` or
    /// through JAX imported under another name is found; NumPy's `random` beside JAX is not parsed.
    @Test func theEngineParsesOnlyFilesThatReachJaxRandomness() throws {
        let project = try Project([
            "pyproject.toml": "[project]\nname = \"pkg\"\n",
            "pkg/__init__.py": "",
            "pkg/from_import.py": "from jax import random\n\nKEY = random.PRNGKey(0)\n",
            "pkg/aliased.py": "import jax as jx\n\nKEY = jx.random.key(0)\n",
            "pkg/numpy_only.py": "import numpy as np\nimport jax.numpy as jnp\n\nNOISE = np.random.normal(size=3)\n",
        ])
        defer { project.remove() }
        let report = project.check(".")
        let found = Set(report.findings.filter { $0.code == "RK001" }.map { URL(fileURLWithPath: $0.path).lastPathComponent })
        #expect(found == ["from_import.py", "aliased.py"])
        #expect(report.filesParsed == 2)
    }
}
