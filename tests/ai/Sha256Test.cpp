// SHA-256 against the FIPS 180-4 / NIST example vectors.
#include <gtest/gtest.h>

#include <fstream>

#include "TestData.h"
#include "stratum/ai/Sha256.h"
#include "stratum/core/Error.h"

using namespace stratum;

TEST(Sha256, NistVectors) {
    EXPECT_EQ(ai::sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(ai::sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(ai::sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(ai::sha256Hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
              "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(Sha256, MillionAsInUnevenChunksAndFromAFile) {
    const std::string million(1000000, 'a');
    const std::string expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    ai::Sha256 hash;
    std::size_t pos = 0, step = 1;
    while (pos < million.size()) {  // chunk sizes 1, 2, 3, ... cross block boundaries everywhere
        const std::size_t n = std::min(step++, million.size() - pos);
        hash.update(std::string_view(million).substr(pos, n));
        pos += n;
    }
    EXPECT_EQ(hash.finishHex(), expected);

    test::TempDir dir;
    std::ofstream(dir / "a.bin", std::ios::binary) << million;
    EXPECT_EQ(ai::sha256File(dir / "a.bin"), expected);
}

TEST(Sha256, PaddingBoundaries) {
    // 55, 56 and 64 bytes put the length in the same or the next block.
    EXPECT_EQ(ai::sha256Hex(std::string(55, 'a')), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    EXPECT_EQ(ai::sha256Hex(std::string(56, 'a')), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    EXPECT_EQ(ai::sha256Hex(std::string(64, 'a')), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST(Sha256, MissingFileNamesIt) {
    try {
        ai::sha256File("/nonexistent/weights.pt");
        FAIL();
    } catch (const core::IoError& e) {
        EXPECT_EQ(e.path(), "/nonexistent/weights.pt");
    }
}
