#!/usr/bin/env python3
"""Checks a DICOM SEG with pydicom, independently of DCMTK and Stratum.

usage: check-dicom-seg.py SEG [SOURCE_FOLDER]

Prints one line per segment, "segment N LABEL voxels M", counted from the frames
pydicom unpacks, and "frames F". With SOURCE_FOLDER, every frame's source image
(Derivation Image Sequence) must be a file there lying at the frame's plane position,
and the Referenced Series Sequence must list exactly the files referenced. Exit status
1 with a message on the first failed check.
"""
import os
import sys

import numpy as np
import pydicom

SEGMENTATION_STORAGE = "1.2.840.10008.5.1.4.1.1.66.4"


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__)
        return 2
    ds = pydicom.dcmread(sys.argv[1])
    if ds.SOPClassUID != SEGMENTATION_STORAGE:
        fail("SOP class %s is not Segmentation Storage" % ds.SOPClassUID)
    if ds.Modality != "SEG" or ds.SegmentationType != "BINARY" or ds.BitsAllocated != 1:
        fail("not a BINARY SEG (Modality %s, type %s, bits %s)" % (ds.Modality, ds.SegmentationType, ds.BitsAllocated))
    frames = int(ds.NumberOfFrames)
    pixels = ds.pixel_array.reshape(frames, ds.Rows, ds.Columns)
    labels = {int(s.SegmentNumber): s.SegmentLabel for s in ds.SegmentSequence}
    voxels = {n: 0 for n in labels}
    per_frame = ds.PerFrameFunctionalGroupsSequence
    if len(per_frame) != frames:
        fail("%d per-frame items for %d frames" % (len(per_frame), frames))
    for f, item in enumerate(per_frame):
        number = int(item.SegmentIdentificationSequence[0].ReferencedSegmentNumber)
        if number not in labels:
            fail("frame %d refers to segment %d, which is not in the Segment Sequence" % (f + 1, number))
        voxels[number] += int(np.count_nonzero(pixels[f]))

    if len(sys.argv) == 3:
        positions = {}
        for name in sorted(os.listdir(sys.argv[2])):
            src = pydicom.dcmread(os.path.join(sys.argv[2], name), stop_before_pixels=True)
            positions[src.SOPInstanceUID] = [float(x) for x in src.ImagePositionPatient]
        referenced = set()
        for f, item in enumerate(per_frame):
            uid = item.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID
            if uid not in positions:
                fail("frame %d derives from %s, which is not in the source folder" % (f + 1, uid))
            frame_position = [float(x) for x in item.PlanePositionSequence[0].ImagePositionPatient]
            if max(abs(a - b) for a, b in zip(frame_position, positions[uid])) > 1e-3:
                fail("frame %d lies at %s, its source image at %s" % (f + 1, frame_position, positions[uid]))
            referenced.add(uid)
        listed = {i.ReferencedSOPInstanceUID for s in ds.ReferencedSeriesSequence for i in s.ReferencedInstanceSequence}
        if listed != set(positions):
            fail("the Referenced Series Sequence lists %d instances, the source folder has %d"
                 % (len(listed), len(positions)))
    for n in sorted(labels):
        print("segment %d %s voxels %d" % (n, labels[n], voxels[n]))
    print("frames %d" % frames)
    return 0


if __name__ == "__main__":
    sys.exit(main())
