import Foundation
import Testing

@testable import RekeyDriver

/// A path's parts found from its bytes, as `NSString` finds them.
struct PathTextTests {
    static let paths = ["/a/build", "/a/build/", "build", "/", "", "a//b//", "/a/ünï.py", "ab/c.py", "//ab", "ab/", "/ab"]

    @Test(arguments: paths)
    func lastComponentIsNSStrings(path: String) {
        #expect(PathText.lastComponent(of: path) == (path as NSString).lastPathComponent)
    }

    @Test(arguments: paths)
    func parentIsNSStrings(path: String) {
        #expect(PathText.parent(of: path) == (path as NSString).deletingLastPathComponent)
    }

    /// Where `NSString` crashes instead (one character before any trailing slash), the parent
    /// is what it gives for longer names.
    @Test func parentOfOneCharacter() {
        #expect(PathText.parent(of: "a") == "")
        #expect(PathText.parent(of: "a/") == "")
        #expect(PathText.parent(of: ".") == "")
        #expect(PathText.parent(of: "é") == "")
        #expect(PathText.parent(of: "a/b") == "a")
        #expect(PathText.parent(of: "/a") == "/")
    }
}
