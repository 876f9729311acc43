# DICOM reading: header parsing, scanning, series assembly and pixel decoding.
set(STRATUM_IO_DICOM_READ_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/DicomAttributes.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DicomCodecs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DicomFrameReader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DicomGdcmDecode.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DicomHeader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DicomLoad.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DicomLoadPlan.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DicomPalette.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DicomPixelConvert.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DicomScan.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DicomSeriesBuilder.cpp
)

# GDCM decodes what DCMTK cannot (JPEG 2000). ITK's GDCM module uses the system GDCM
# privately, so stratum_io needs its headers and gdcmMSFF itself; the calls are
# deferred until stratum_io exists (this file is included before add_library).
find_package(GDCM REQUIRED CONFIG)
cmake_language(DEFER CALL target_include_directories stratum_io SYSTEM PRIVATE ${GDCM_INCLUDE_DIRS})
cmake_language(DEFER CALL target_link_libraries stratum_io PRIVATE gdcmMSFF)
