import RekeyDriver
import RekeyTestSupport
import Testing

/// `--max-file-size`: a file larger than the limit is skipped with a diagnostic instead of
/// analysed; one as large as the limit is analysed.
@Suite struct FileSizeLimitTests {
    private let source = """
        import jax

        KEY = jax.random.PRNGKey(0)

        """

    private func check(limit: Int) throws -> Engine.CheckReport {
        let project = try Project(["model.py": source])
        defer { project.remove() }
        return Engine(options: .init(jobs: 1, maximumFileBytes: limit)).check(paths: [project.path("model.py")])
    }

    @Test func aFileOverTheLimitIsSkippedWithTheReason() throws {
        let report = try check(limit: source.utf8.count - 1)
        #expect(report.findings.isEmpty)
        #expect(report.diagnostics.count == 1)
        let diagnostic = try #require(report.diagnostics.first)
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.message.hasPrefix("skipped: 0.0 MB, over the --max-file-size of 0.0 MB"))
    }

    @Test func aFileAsLargeAsTheLimitIsAnalysed() throws {
        let report = try check(limit: source.utf8.count)
        #expect(report.diagnostics.isEmpty)
        #expect(report.findings.map(\.code) == ["RK001"])
    }
}
