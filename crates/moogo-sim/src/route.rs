//! The endpoints of the Moogo API: one [`Route`] per method and path template.
//!
//! The route's key (`"GET v1/devices/{deviceId}"`) names it in the statistics and in fault
//! specifications; the path template is what the router matches.

use axum::http::Method;

/// One endpoint of the Moogo API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    Login,
    ListDevices,
    GetDevice,
    UpdateDevice,
    Start,
    Stop,
    ListSchedules,
    CreateSchedule,
    GetSchedule,
    UpdateSchedule,
    DeleteSchedule,
    EnableSchedule,
    DisableSchedule,
    SkipSchedule,
    EnableAllSchedules,
    DisableAllSchedules,
    Logs,
    GetConfig,
    UpdateConfig,
    OtaCheck,
    OtaUpdate,
    Liquids,
    RecommendedSchedules,
}

impl Route {
    /// Every route, in the order of the API table.
    pub(crate) const ALL: [Route; 23] = [
        Route::Login,
        Route::ListDevices,
        Route::GetDevice,
        Route::UpdateDevice,
        Route::Start,
        Route::Stop,
        Route::ListSchedules,
        Route::CreateSchedule,
        Route::GetSchedule,
        Route::UpdateSchedule,
        Route::DeleteSchedule,
        Route::EnableSchedule,
        Route::DisableSchedule,
        Route::SkipSchedule,
        Route::EnableAllSchedules,
        Route::DisableAllSchedules,
        Route::Logs,
        Route::GetConfig,
        Route::UpdateConfig,
        Route::OtaCheck,
        Route::OtaUpdate,
        Route::Liquids,
        Route::RecommendedSchedules,
    ];

    /// The HTTP method and the path template, without the leading slash.
    pub(crate) fn parts(self) -> (Method, &'static str) {
        use Route::*;
        match self {
            Login => (Method::POST, "v1/user/login"),
            ListDevices => (Method::GET, "v1/devices"),
            GetDevice => (Method::GET, "v1/devices/{deviceId}"),
            UpdateDevice => (Method::PUT, "v1/devices/{deviceId}"),
            Start => (Method::POST, "v1/devices/{deviceId}/start"),
            Stop => (Method::POST, "v1/devices/{deviceId}/stop"),
            ListSchedules => (Method::GET, "v1/devices/{deviceId}/schedules"),
            CreateSchedule => (Method::POST, "v1/devices/{deviceId}/schedules"),
            GetSchedule => (Method::GET, "v1/devices/{deviceId}/schedules/{scheduleId}"),
            UpdateSchedule => (Method::PUT, "v1/devices/{deviceId}/schedules/{scheduleId}"),
            DeleteSchedule => (
                Method::DELETE,
                "v1/devices/{deviceId}/schedules/{scheduleId}",
            ),
            EnableSchedule => (
                Method::PUT,
                "v1/devices/{deviceId}/schedules/{scheduleId}/enable",
            ),
            DisableSchedule => (
                Method::PUT,
                "v1/devices/{deviceId}/schedules/{scheduleId}/disable",
            ),
            SkipSchedule => (
                Method::PUT,
                "v1/devices/{deviceId}/schedules/{scheduleId}/skip",
            ),
            EnableAllSchedules => (Method::PUT, "v1/devices/{deviceId}/schedules/switch/open"),
            DisableAllSchedules => (Method::PUT, "v1/devices/{deviceId}/schedules/switch/close"),
            Logs => (Method::GET, "v1/devices/{deviceId}/logs"),
            GetConfig => (Method::GET, "v1/devices/{deviceId}/configs"),
            UpdateConfig => (Method::PUT, "v1/devices/{deviceId}/configs"),
            OtaCheck => (Method::POST, "v1/devices/{deviceId}/otaCheck"),
            OtaUpdate => (Method::POST, "v1/devices/{deviceId}/otaUpdate"),
            Liquids => (Method::GET, "v1/liquid"),
            RecommendedSchedules => (Method::GET, "v1/devices/schedules"),
        }
    }

    /// The route's name in statistics and fault specifications, e.g. `GET v1/devices/{deviceId}`.
    pub(crate) fn key(self) -> String {
        let (method, template) = self.parts();
        format!("{method} {template}")
    }

    /// The position of this route in [`Route::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// Finds the route for a request's method and the router's matched path (with its slash).
    pub(crate) fn find(method: &Method, matched_path: &str) -> Option<Route> {
        let template = matched_path.strip_prefix('/')?;
        Route::ALL.into_iter().find(|route| {
            let (route_method, route_template) = route.parts();
            route_method == *method && route_template == template
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_follow_the_table_and_routes_are_found_again() {
        for (position, route) in Route::ALL.into_iter().enumerate() {
            assert_eq!(route.index(), position);
            let (method, template) = route.parts();
            assert_eq!(Route::find(&method, &format!("/{template}")), Some(route));
        }
        assert_eq!(Route::find(&Method::PATCH, "/v1/devices"), None);
    }
}
