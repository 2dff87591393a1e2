import RekeyDriver
import Testing

@Suite("Batch manifest")
struct BatchManifestTests {
    func parse(_ text: String) throws(BatchManifest.Problem) -> [BatchManifest.Entry] {
        try BatchManifest(parsing: text, directory: "/work/lists").entries
    }

    @Test func sourcesNamesAndComments() throws {
        let entries = try parse(
            """
            # the team's repositories

            https://github.com/example/models.git
              git@github.com:example/tools.git   tools-gh   # named
            ../checkouts/experiments/
            /srv/git/solver#2
            file:///srv/git/bare.git
            """)
        #expect(
            entries.map(\.source) == [
                "https://github.com/example/models.git", "git@github.com:example/tools.git", "../checkouts/experiments/",
                "/srv/git/solver#2", "file:///srv/git/bare.git",
            ])
        #expect(entries.map(\.name) == ["models", "tools-gh", "experiments", "solver-2", "bare"])
        #expect(entries.map(\.line) == [3, 4, 5, 6, 7])
        #expect(entries.map(\.isLocal) == [false, false, true, true, false])
        #expect(
            entries.map(\.location) == [
                "https://github.com/example/models.git", "git@github.com:example/tools.git", "/work/checkouts/experiments",
                "/srv/git/solver#2", "file:///srv/git/bare.git",
            ])
        #expect(entries.map(\.localDirectory) == [nil, nil, "/work/checkouts/experiments", "/srv/git/solver#2", "/srv/git/bare.git"])
    }

    @Test func aFileURLIsAFolderOnThisMachine() throws {
        let entries = try parse("file:///srv/git/my%20repo/\nfile:///srv/git/a/../b.git\ngit://127.0.0.1:9418/srv/git/c.git\n")
        #expect(entries.map(\.isLocal) == [false, false, false])
        #expect(entries.map(\.localDirectory) == ["/srv/git/my repo", "/srv/git/b.git", nil])
    }

    @Test func anEmptyManifestListsNothing() throws {
        #expect(try parse("").isEmpty)
        #expect(try parse("# nothing yet\n\n   \n").isEmpty)
    }

    /// What is wrong with `text`, as the user reads it; nil when it parses.
    func problem(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func aNameUsedTwiceNamesBothLines() throws {
        #expect(
            problem("https://a.example/one/utils.git\nhttps://b.example/two/other\nhttps://b.example/two/utils\n")
                == "line 3: the name 'utils' is already used on line 1: give one of them a name after its source")
        #expect(try parse("https://a.example/one/utils.git\nhttps://b.example/two/utils utils-b\n").map(\.name) == ["utils", "utils-b"])
    }

    @Test(arguments: [".", "..", "/"])
    func aSourceWithNoUsableNameNeedsOne(_ source: String) throws {
        #expect(problem(source)?.hasPrefix("line 1: '") == true)
        #expect(try parse("\(source) project").map(\.name) == ["project"])
    }

    @Test func badLines() {
        #expect(problem("repo name extra") == "line 1: expected a source and an optional name, found 3 fields")
        #expect(problem("repo .hidden")?.contains("cannot name a repository's outputs") == true)
        #expect(problem("repo a/b")?.contains("cannot name a repository's outputs") == true)
    }
}
