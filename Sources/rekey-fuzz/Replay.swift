import Foundation

/// `rekey-fuzz FILE|DIR...` without libFuzzer: each file through ``FuzzOracle``, in order.
enum Replay {
    static func main(_ arguments: [String]) -> Int32 {
        if arguments.isEmpty || arguments.contains(where: { $0 == "-h" || $0 == "--help" }) {
            FuzzOracle.write(
                """
                usage: rekey-fuzz FILE|DIR...
                Runs each file (a directory's regular files, sorted by name) through rekey's \
                pipeline as one Python file, with unsafe fixes on, and checks the invariants: no \
                crash, fix output that passes rekey's own validity check when the input did, a diff \
                that applies exactly, a second fix that changes nothing. Exit 0 if every file \
                passes, 1 if one fails, 2 on a usage error. (Built by scripts/fuzz, the same code \
                is a libFuzzer target.)

                """)
            return arguments.isEmpty ? 2 : 0
        }
        var files: [String] = []
        for argument in arguments {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
                FuzzOracle.write("rekey-fuzz: \(argument): no such file or directory\n")
                return 2
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []
                for name in names.sorted() where !name.hasPrefix(".") && name != "README.md" {
                    let path = (argument as NSString).appendingPathComponent(name)
                    var nested: ObjCBool = false
                    if FileManager.default.fileExists(atPath: path, isDirectory: &nested), !nested.boolValue {
                        files.append(path)
                    }
                }
            } else {
                files.append(argument)
            }
        }
        var failed = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                FuzzOracle.write("rekey-fuzz: \(file): cannot be read\n")
                return 2
            }
            // Named first: an input that crashes the process is then the last one named.
            FuzzOracle.write("rekey-fuzz: \(file)\n")
            if let failure = FuzzOracle.shared.run(Array(data)) {
                FuzzOracle.report(failure, input: file)
                failed += 1
            }
        }
        FuzzOracle.write("rekey-fuzz: \(files.count - failed) of \(files.count) inputs passed\n")
        return failed == 0 ? 0 : 1
    }
}
