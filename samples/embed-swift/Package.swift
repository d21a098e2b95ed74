// swift-tools-version: 6.0
// A host embedding Warden from Swift: depends on the repository by path.
import PackageDescription

let package = Package(
    name: "EmbedSwift",
    dependencies: [.package(name: "Warden", path: "../..")],
    targets: [.executableTarget(name: "EmbedSwift", dependencies: [.product(name: "Warden", package: "Warden")])]
)
