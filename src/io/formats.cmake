# Non-DICOM formats through ITK, the readImage/writeImage dispatch, image stacks,
# and the DICOM series writer (DCMTK).
set(STRATUM_IO_FORMAT_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/ImageIO.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ImageStack.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ItkImageRead.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ItkImageWrite.cpp
  ${CMAKE_CURRENT_LIST_DIR}/NiftiChecks.cpp
  ${CMAKE_CURRENT_LIST_DIR}/FileChecks.cpp
  ${CMAKE_CURRENT_LIST_DIR}/GzipSize.cpp
  ${CMAKE_CURRENT_LIST_DIR}/JpegReader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DicomWriter.cpp
  ${CMAKE_CURRENT_LIST_DIR}/WriteDicomPlan.cpp
  ${CMAKE_CURRENT_LIST_DIR}/WriteDicomDataset.cpp
)
