#include <gtest/gtest.h>

#include "stratum/jobs/TransferSyntaxes.h"

using namespace stratum::jobs;

TEST(TransferSyntaxes, ShortNamesMapToTheirUids) {
    EXPECT_EQ(writableTransferSyntaxUid("explicit-le"), "1.2.840.10008.1.2.1");
    EXPECT_EQ(writableTransferSyntaxUid("jpeg-ls"), "1.2.840.10008.1.2.4.80");
    EXPECT_EQ(writableTransferSyntaxUid("jpeg-lossless"), "1.2.840.10008.1.2.4.70");
    EXPECT_EQ(writableTransferSyntaxUid("rle"), "1.2.840.10008.1.2.5");
    EXPECT_EQ(writableTransferSyntaxUid("deflated"), "1.2.840.10008.1.2.1.99");
    EXPECT_EQ(writableTransferSyntaxUid("big-endian"), "1.2.840.10008.1.2.2");
    EXPECT_EQ(writableTransferSyntaxNames().size(), 6u);
}

TEST(TransferSyntaxes, AcceptsWritableUidsOnly) {
    EXPECT_EQ(writableTransferSyntaxUid("1.2.840.10008.1.2.5"), "1.2.840.10008.1.2.5");
    EXPECT_FALSE(writableTransferSyntaxUid("1.2.840.10008.1.2.4.90"));  // JPEG 2000: read only
    EXPECT_FALSE(writableTransferSyntaxUid("jpeg2000"));
    EXPECT_FALSE(writableTransferSyntaxUid(""));
    EXPECT_FALSE(writableTransferSyntaxUid("RLE"));  // names are case-sensitive
}

TEST(TransferSyntaxes, NamesKnownUidsAndEchoesUnknownOnes) {
    EXPECT_EQ(transferSyntaxName("1.2.840.10008.1.2"), "Implicit VR Little Endian");
    EXPECT_EQ(transferSyntaxName("1.2.840.10008.1.2.4.90"), "JPEG 2000 Lossless");
    EXPECT_EQ(transferSyntaxName("1.2.3.4"), "1.2.3.4");
}
