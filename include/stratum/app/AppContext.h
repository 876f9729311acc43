#pragma once
// What a panel can reach: the open documents, the background runner, the log, the
// views and the loader. Handed to every panel factory (PanelRegistry).
class QMainWindow;

namespace stratum::app {

class MessageLog;
class StudyLoader;
class TaskRunner;
class ViewArea;
class Workspace;

struct AppContext {
    Workspace* workspace = nullptr;
    TaskRunner* tasks = nullptr;
    MessageLog* log = nullptr;
    ViewArea* views = nullptr;
    StudyLoader* loader = nullptr;
    QMainWindow* window = nullptr;
};

}  // namespace stratum::app
