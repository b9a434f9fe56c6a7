@echo off
chcp 65001 >nul
rem Install what is missing and run the whole test suite (Windows 10 or later).
setlocal
cd /d "%~dp0"
if not exist .venv\Scripts\python.exe (
    py -3 -m venv .venv || python -m venv .venv || goto :nopython
)
if not exist .venv\.installed-test (
    .venv\Scripts\python.exe -m pip install -q --upgrade pip
    .venv\Scripts\python.exe -m pip install -q -e .[test] || goto :eof
    echo.> .venv\.installed-test
)
set QT_QPA_PLATFORM=offscreen
.venv\Scripts\python.exe -m pytest %*
goto :eof
:nopython
echo 需要 Python 3.11 或更新版本：请从 python.org 安装，并勾选 "Add python.exe to PATH"。
exit /b 1
